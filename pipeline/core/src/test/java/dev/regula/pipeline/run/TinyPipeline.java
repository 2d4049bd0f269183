package dev.regula.pipeline.run;

import dev.regula.models.ElemType;
import dev.regula.models.GraphBuilder;
import dev.regula.models.OnnxRef;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * A tiny text backbone built with GraphBuilder (Gather → MatMul → Relu over a 10-word vocabulary),
 * its WordLevel tokenizer.json, generated two-class text data, and specs that use them.
 */
final class TinyPipeline {
    static final int VOCAB = 10;

    private TinyPipeline() {
    }

    /** Writes backbone.onnx, backbone-q.onnx, tokenizer.json, data.jsonl and numeric.onnx into {@code dir}. */
    static void writeInputs(Path dir, long seed) throws Exception {
        Random r = new Random(seed);
        GraphBuilder g = GraphBuilder.create("tiny_text");
        OnnxRef ids = g.input("input_ids", ElemType.INT64, "batch", "seq");
        g.input("attention_mask", ElemType.INT64, "batch", "seq");
        float[][] embedding = random(r, VOCAB, 6);
        float[][] weight = random(r, 6, 8);
        OnnxRef e = g.initializer("E", embedding);
        OnnxRef w = g.initializer("W", weight);
        g.output(g.relu(g.matMul(g.gather(e, ids, 0), w)), "hidden", ElemType.FLOAT, "batch", "seq", 8L);
        g.build().write(dir.resolve("backbone.onnx"));

        // The same backbone as an int8 export would run it: the embeddings quantized dynamically (one
        // scale for the whole tensor, so batch mates change each other's outputs) before the MatMul.
        GraphBuilder q = GraphBuilder.create("tiny_text_q");
        OnnxRef qIds = q.input("input_ids", ElemType.INT64, "batch", "seq");
        q.input("attention_mask", ElemType.INT64, "batch", "seq");
        OnnxRef emb = q.gather(q.initializer("E", embedding), qIds, 0);
        java.util.List<OnnxRef> quantized = q.node("DynamicQuantizeLinear", java.util.List.of(emb), java.util.Map.of(), 3);
        OnnxRef dequantized = q.node("DequantizeLinear", quantized, java.util.Map.of());
        q.output(q.relu(q.matMul(dequantized, q.initializer("W", weight))), "hidden", ElemType.FLOAT, "batch", "seq", 8L);
        q.build().write(dir.resolve("backbone-q.onnx"));

        GraphBuilder n = GraphBuilder.create("tiny_numeric");
        OnnxRef x = n.input("x", ElemType.FLOAT, "batch", 3L);
        n.output(n.matMul(x, n.initializer("W", random(r, 3, 4))), "y", ElemType.FLOAT, "batch", 4L);
        n.build().write(dir.resolve("numeric.onnx"));

        StringBuilder vocab = new StringBuilder("\"[UNK]\": 0");
        for (int i = 1; i < VOCAB; i++) {
            vocab.append(", \"w").append(i).append("\": ").append(i);
        }
        Files.writeString(dir.resolve("tokenizer.json"), "{\"version\": \"1.0\", \"truncation\": null, \"padding\": null,"
                + " \"added_tokens\": [], \"normalizer\": null, \"pre_tokenizer\": {\"type\": \"Whitespace\"},"
                + " \"post_processor\": null, \"decoder\": null, \"model\": {\"type\": \"WordLevel\", \"vocab\": {" + vocab
                + "}, \"unk_token\": \"[UNK]\"}}", StandardCharsets.UTF_8);

        StringBuilder data = new StringBuilder();
        for (int i = 0; i < 240; i++) {
            boolean spam = i % 2 == 0;
            StringBuilder text = new StringBuilder();
            int words = 3 + r.nextInt(5);
            for (int k = 0; k < words; k++) {
                boolean own = r.nextDouble() < 0.8;
                int word = (spam == own) ? 1 + r.nextInt(4) : 5 + r.nextInt(5);
                text.append(k == 0 ? "" : " ").append('w').append(word);
            }
            data.append("{\"text\": \"").append(text).append("\", \"label\": \"").append(spam ? "spam" : "ham").append("\"}\n");
        }
        Files.writeString(dir.resolve("data.jsonl"), data, StandardCharsets.UTF_8);
    }

    /**
     * The accuracy {@code regula predict} gets with the export in {@code modelDir} on the test split of
     * {@code dir}/data.jsonl as {@link #spec()} splits it (0.6/0.2/0.2, stratified, seed 7): what validate
     * reported, if predict reads the export folder unchanged.
     */
    static double predictedTestAccuracy(Path dir, Path modelDir) throws Exception {
        java.util.List<dev.regula.transfer.data.Example> test = dev.regula.transfer.data.Splitter.split(
                dev.regula.transfer.data.DatasetReader.read(dev.regula.transfer.data.DatasetSpec.of(dir.resolve("data.jsonl"),
                        dev.regula.transfer.data.DatasetFormat.JSONL)),
                dev.regula.transfer.data.SplitSpec.stratified(new dev.regula.transfer.data.SplitFractions(0.6, 0.2, 0.2), 7)).test();
        try (dev.regula.pipeline.predict.Predictor p = dev.regula.pipeline.predict.Predictor.open(modelDir,
                dev.regula.models.runtime.RunnerOptions.defaults())) {
            var predictions = p.predict(test.stream().map(dev.regula.transfer.data.Example::text).toList());
            int correct = 0;
            for (int i = 0; i < test.size(); i++) {
                correct += predictions.get(i).label().equals(test.get(i).label()) ? 1 : 0;
            }
            return (double) correct / test.size();
        }
    }

    private static float[][] random(Random r, int rows, int cols) {
        float[][] m = new float[rows][cols];
        for (float[] row : m) {
            for (int j = 0; j < cols; j++) {
                row[j] = (float) r.nextGaussian();
            }
        }
        return m;
    }

    /** A full spec over the tiny inputs: two heads, gates that pass. */
    static String spec() {
        return """
                seed: 7
                backbone:
                  model: backbone.onnx
                  tokenizer: tokenizer.json
                  pooling: mean
                  l2_normalize: true
                  max_length: 16
                data:
                  path: data.jsonl
                split: {train: 0.6, val: 0.2, test: 0.2}
                features: {batch_size: 16, threads: 1}
                heads:
                  - name: linear
                    kind: linear
                    training: {learning_rate: 0.05, epochs: 8, batch_size: 16}
                  - name: mlp
                    kind: mlp
                    hidden_sizes: [8]
                    regularization:
                      dropout: {kind: standard, rate: 0.1}
                      weight_decay: 0.01
                    training: {learning_rate: 0.02, epochs: 8, batch_size: 16}
                validate:
                  latency_samples: 5
                  gates: {min_accuracy: 0.5, max_parity_error: 0.001}
                """;
    }

    static Path writeSpec(Path dir, String yaml) throws IOException {
        Path f = dir.resolve("pipeline.yaml");
        Files.writeString(f, yaml, StandardCharsets.UTF_8);
        return f;
    }
}
