package dev.regula.maven;

import dev.regula.pipeline.run.TinyInputs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** pipeline/core's tiny generated backbone, tokenizer and two-class data, with a one-head spec over them. */
final class Tiny {
    private Tiny() {
    }

    /** {@code %s} takes the gates. */
    static final String SPEC = """
            seed: 11
            backbone: {model: backbone.onnx, tokenizer: tokenizer.json, pooling: mean, max_length: 16}
            data: {path: data.jsonl}
            split: {train: 0.6, val: 0.2, test: 0.2}
            features: {batch_size: 16, threads: 1}
            heads:
              - {name: linear, kind: linear, training: {learning_rate: 0.05, epochs: 8, batch_size: 16}}
            validate:
              latency_samples: 3
              gates: {%s}
            """;

    /** Writes backbone.onnx, tokenizer.json and data.jsonl into {@code dir}. */
    static void inputs(Path dir) throws Exception {
        TinyInputs.write(dir, 5);
    }

    static Path spec(Path dir, String name, String gates) throws IOException {
        return Files.writeString(dir.resolve(name), SPEC.formatted(gates));
    }
}
