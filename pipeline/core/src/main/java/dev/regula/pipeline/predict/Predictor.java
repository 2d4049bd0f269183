package dev.regula.pipeline.predict;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.regula.models.ConfinedPath;
import dev.regula.models.OnnxModel;
import dev.regula.models.OnnxModelException;
import dev.regula.models.runtime.OrtRunner;
import dev.regula.models.runtime.RunnerOptions;
import dev.regula.models.runtime.Tensor;
import dev.regula.pipeline.RegulaException;
import dev.regula.transfer.encode.BatchTensor;
import dev.regula.transfer.encode.EncoderMismatchException;
import dev.regula.transfer.encode.ModelInput;
import dev.regula.transfer.encode.TextEncoder;
import dev.regula.transfer.export.ExportException;
import dev.regula.transfer.export.ModelExport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs an exported text model the way Regula wrote it: the tokenizer file, maximum length,
 * truncation and class names come from the model's metadata and the export folder, never from
 * the caller, so predictions match what {@code validate} measured.
 */
public final class Predictor implements AutoCloseable {
    /** Metadata keys an exported text model carries (written by the export stage). */
    public static final String KEY_CLASSES = "regula.classes";
    public static final String KEY_TOKENIZER_FILE = "regula.tokenizer.file";
    public static final String KEY_MAX_LENGTH = "regula.tokenizer.max_length";
    public static final String KEY_TRUNCATION = "regula.tokenizer.truncation";

    /** Texts per call; 1 for models that quantize dynamically (see {@link OnnxModel#quantizesDynamically()}). */
    public static final int BATCH = 32;

    private final List<String> classes;
    private final List<ModelInput> inputs;
    private final TextEncoder encoder;
    private final OrtRunner runner;
    private final int batch;

    private Predictor(List<String> classes, List<ModelInput> inputs, TextEncoder encoder, OrtRunner runner, int batch) {
        this.batch = batch;
        this.classes = classes;
        this.inputs = inputs;
        this.encoder = encoder;
        this.runner = runner;
    }

    /** Opens {@code model.onnx} (or a folder holding it) with the tokenizer named in its metadata, beside it. */
    public static Predictor open(Path modelPath, RunnerOptions options) throws RegulaException {
        Path file = Files.isDirectory(modelPath) ? modelPath.resolve("model.onnx") : modelPath;
        OnnxModel model;
        try {
            model = OnnxModel.read(file);
        } catch (OnnxModelException e) {
            throw RegulaException.wrap(e);
        }
        Map<String, String> meta = model.metadata();
        List<String> classes = classes(file, meta);
        String tokenizerName = need(file, meta, KEY_TOKENIZER_FILE, "the tokenizer file name");
        Path tokenizer;
        try {
            // The name is text inside the model: confined to the model's folder like external data.
            tokenizer = ConfinedPath.resolve(file.toAbsolutePath().getParent(), tokenizerName);
            ModelExport.checkOutputs(model, file);
        } catch (ConfinedPath.RefusedException e) {
            throw new RegulaException(file + ": metadata " + KEY_TOKENIZER_FILE + ": " + e.getMessage()
                    + (e.reason().contains("does not exist") ? "; keep the export folder together (model.onnx and "
                    + tokenizerName + ")" : ""), e);
        } catch (ExportException e) {
            throw new RegulaException(e.getMessage(), e);
        }
        int maxLength = integer(file, meta, KEY_MAX_LENGTH);
        boolean truncation = Boolean.parseBoolean(need(file, meta, KEY_TRUNCATION, "true or false"));
        List<ModelInput> inputs = ModelInput.of(model.proto());
        TextEncoder encoder = null;
        try {
            encoder = TextEncoder.open(tokenizer, maxLength, truncation);
            encoder.check(inputs);
            return new Predictor(classes, inputs, encoder, OrtRunner.open(model, options), model.quantizesDynamically() ? 1 : BATCH);
        } catch (IOException e) {
            closeQuietly(encoder);
            throw new RegulaException(tokenizer + ": cannot load the tokenizer: " + e.getMessage(), e);
        } catch (EncoderMismatchException | OnnxModelException e) {
            closeQuietly(encoder);
            throw new RegulaException(file + ": " + e.getMessage(), e);
        }
    }

    public List<String> classes() {
        return classes;
    }

    /** Texts per ONNX Runtime call: {@link #BATCH}, or 1 for a model that quantizes dynamically. */
    public int batchSize() {
        return batch;
    }

    /** The execution provider that really runs the model. */
    public String provider() {
        return runner.activeProvider();
    }

    /** Predictions for {@code texts}, in order. */
    public List<Prediction> predict(List<String> texts) throws RegulaException {
        List<Prediction> out = new ArrayList<>(texts.size());
        for (int start = 0; start < texts.size(); start += batch) {
            List<String> slice = texts.subList(start, Math.min(texts.size(), start + batch));
            List<TextEncoder.Tokens> tokens;
            try {
                tokens = encoder.encodeAll(slice);
            } catch (IllegalArgumentException e) {
                throw new RegulaException("text " + start + "+: " + e.getMessage(), e);
            }
            Map<String, Tensor> feed = new LinkedHashMap<>();
            for (Map.Entry<String, BatchTensor> e : encoder.collate(tokens, inputs).entrySet()) {
                feed.put(e.getKey(), Tensor.ofLongs(e.getValue().longs(), e.getValue().shape()));
            }
            Map<String, Tensor> result;
            try {
                result = runner.run(feed);
            } catch (OnnxModelException e) {
                throw RegulaException.wrap(e);
            }
            float[] p = result.get("probabilities").floats();
            long[] labels = result.get("label").longs();
            int c = classes.size();
            for (int i = 0; i < slice.size(); i++) {
                Map<String, Double> probs = new LinkedHashMap<>();
                for (int k = 0; k < c; k++) {
                    probs.put(classes.get(k), (double) p[i * c + k]);
                }
                out.add(new Prediction(classes.get((int) labels[i]), probs));
            }
        }
        return out;
    }

    @Override
    public void close() throws RegulaException {
        encoder.close();
        try {
            runner.close();
        } catch (OnnxModelException e) {
            throw RegulaException.wrap(e);
        }
    }

    private static List<String> classes(Path file, Map<String, String> meta) throws RegulaException {
        String json = need(file, meta, KEY_CLASSES, "a JSON array of class names");
        try {
            return List.copyOf(new ObjectMapper().readValue(json, new TypeReference<List<String>>() {}));
        } catch (IOException e) {
            throw new RegulaException(file + ": metadata " + KEY_CLASSES + " = " + json + " is not a JSON array of class names");
        }
    }

    private static String need(Path file, Map<String, String> meta, String key, String expected) throws RegulaException {
        String v = meta.get(key);
        if (v == null || v.isBlank()) {
            throw new RegulaException(file + ": metadata key " + key + " is missing (expected " + expected
                    + "); is this a model exported by Regula?");
        }
        return v;
    }

    private static int integer(Path file, Map<String, String> meta, String key) throws RegulaException {
        String v = need(file, meta, key, "an integer");
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new RegulaException(file + ": metadata " + key + " = '" + v + "' is not an integer");
        }
    }

    private static void closeQuietly(TextEncoder encoder) {
        if (encoder != null) {
            encoder.close();
        }
    }
}
