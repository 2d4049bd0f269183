package dev.regula.pipeline.predict;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How an application serves a Regula export with ONNX Runtime and DJL's tokenizer alone, no Regula
 * classes: the code shown in docs/serving.md, between the markers (ServingExampleTest keeps the two
 * the same and checks the result against {@link Predictor}).
 */
final class ServingExample {
    private ServingExample() {
    }

    // docs/serving.md: begin
    /** The label of one text, and each class's probability, from an export folder. */
    record Classified(String label, Map<String, Float> probabilities) {
    }

    static Classified classify(Path exportDir, String text) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(exportDir.resolve("model.onnx").toString(), new OrtSession.SessionOptions())) {
            // Everything the model needs to encode text is in its metadata, written by regula export.
            Map<String, String> meta = session.getMetadata().getCustomMetadata();
            String[] classes = new ObjectMapper().readValue(meta.get("regula.classes"), String[].class);
            Map<String, String> options = Map.of(
                    "maxLength", meta.get("regula.tokenizer.max_length"),
                    "truncation", meta.get("regula.tokenizer.truncation"),
                    "padding", "false");
            Path tokenizerFile = exportDir.resolve(meta.get("regula.tokenizer.file"));
            try (HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(tokenizerFile, options)) {
                Encoding e = tokenizer.encode(text);
                // One text per call: an int8 model (DynamicQuantizeLinear) would let batch mates change each other's outputs.
                Map<String, long[][]> all = Map.of(
                        "input_ids", new long[][] {e.getIds()},
                        "attention_mask", new long[][] {e.getAttentionMask()},
                        "token_type_ids", new long[][] {e.getTypeIds()});
                Map<String, OnnxTensor> feed = new HashMap<>();
                try {
                    for (String name : session.getInputNames()) {
                        feed.put(name, OnnxTensor.createTensor(env, all.get(name)));
                    }
                    try (OrtSession.Result result = session.run(feed)) {
                        float[] p = ((float[][]) result.get("probabilities").orElseThrow().getValue())[0];
                        long label = ((long[]) result.get("label").orElseThrow().getValue())[0];
                        Map<String, Float> byClass = new HashMap<>();
                        for (int k = 0; k < classes.length; k++) {
                            byClass.put(classes[k], p[k]);
                        }
                        return new Classified(classes[(int) label], byClass);
                    }
                } finally {
                    feed.values().forEach(OnnxTensor::close);
                }
            }
        }
    }
    // docs/serving.md: end

    static List<String> markers() {
        return List.of("// docs/serving.md: begin", "// docs/serving.md: end");
    }
}
