package dev.regula.pipeline.predict;

import dev.regula.transfer.export.ExportMetadata;
import dev.regula.transfer.export.ModelExport;
import dev.regula.pipeline.run.Json;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.regula.models.ConfinedPath;
import dev.regula.models.OnnxModel;
import dev.regula.models.OnnxModelException;
import dev.regula.models.runtime.OrtRunner;
import dev.regula.models.runtime.RunnerOptions;
import dev.regula.models.runtime.Tensor;
import dev.regula.pipeline.Problem;
import dev.regula.pipeline.RegulaException;
import dev.regula.transfer.encode.BatchTensor;
import dev.regula.transfer.encode.EncoderMismatchException;
import dev.regula.transfer.encode.ModelInput;
import dev.regula.transfer.encode.TextEncoder;
import dev.regula.transfer.export.ExportException;
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
 * the caller, so predictions match what {@code validate} measured. Output names and metadata
 * keys are the export's own ({@link ModelExport}, {@link ExportMetadata}).
 */
public final class Predictor implements AutoCloseable {
    /** Texts per call; 1 for models that quantize dynamically (see {@link OnnxModel#independentBatch(int)}). */
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

    /** Serves {@code request}: {@link #open(Path, RunnerOptions)} with its model and options. */
    public static Predictor open(ModelRequest request) throws RegulaException {
        return open(request.model(), request.options());
    }

    /** Opens {@code model.onnx} (or a folder holding it) with the tokenizer named in its metadata, beside it. */
    public static Predictor open(Path modelPath, RunnerOptions options) throws RegulaException {
        Path file = Files.isDirectory(modelPath) ? modelPath.resolve(ModelExport.MODEL_FILE) : modelPath;
        OnnxModel model;
        try {
            model = OnnxModel.read(file);
        } catch (OnnxModelException e) {
            throw RegulaException.wrap(e);
        }
        Map<String, String> meta = model.metadata();
        List<String> classes = classes(file, meta);
        String tokenizerName = need(file, meta, ExportMetadata.KEY_TOKENIZER_FILE, "the tokenizer file name");
        Path tokenizer;
        try {
            // The name is text inside the model: confined to the model's folder like external data.
            tokenizer = ConfinedPath.resolve(file.toAbsolutePath().getParent(), tokenizerName);
            ModelExport.checkOutputs(model, file);
        } catch (ConfinedPath.RefusedException e) {
            throw new RegulaException(Problem.of("metadata " + ExportMetadata.KEY_TOKENIZER_FILE + ": " + e.getMessage()
                    + (e.reason().contains("does not exist") ? "; keep the export folder together (model.onnx and "
                    + tokenizerName + ")" : "")).withFile(file, 0).withExpected("a file beside the model", tokenizerName), e);
        } catch (ExportException e) {
            throw RegulaException.wrap(e);
        }
        int maxLength = integer(file, meta, ExportMetadata.KEY_MAX_LENGTH);
        boolean truncation = Boolean.parseBoolean(need(file, meta, ExportMetadata.KEY_TRUNCATION, "true or false"));
        List<ModelInput> inputs = ModelInput.of(model.proto());
        TextEncoder encoder = null;
        try {
            encoder = TextEncoder.open(tokenizer, maxLength, truncation);
            encoder.check(inputs);
            return new Predictor(classes, inputs, encoder, OrtRunner.open(model, options), model.independentBatch(BATCH));
        } catch (IOException e) {
            closeQuietly(encoder);
            throw new RegulaException(Problem.of("cannot load the tokenizer: " + e.getMessage()).withFile(tokenizer, 0), e);
        } catch (EncoderMismatchException | OnnxModelException e) {
            closeQuietly(encoder);
            throw new RegulaException(Problem.of(String.valueOf(e.getMessage()))
                    .withFile(file, 0), e);
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
        int c = classes.size();
        Scoring.Scores scores;
        try {
            scores = Scoring.run(runner, texts.size(), c, batch, (from, to) -> encode(texts, from, to));
        } catch (OnnxModelException e) {
            throw RegulaException.wrap(e);
        }
        List<Prediction> out = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            Map<String, Double> probs = new LinkedHashMap<>();
            for (int k = 0; k < c; k++) {
                probs.put(classes.get(k), (double) scores.probabilities()[i * c + k]);
            }
            out.add(new Prediction(classes.get((int) scores.labels()[i]), probs));
        }
        return out;
    }

    private Map<String, Tensor> encode(List<String> texts, int from, int to) throws RegulaException {
        List<TextEncoder.Tokens> tokens;
        try {
            tokens = encoder.encodeAll(texts.subList(from, to));
        } catch (IllegalArgumentException e) {
            throw new RegulaException("text " + from + "+: " + e.getMessage(), e);
        }
        Map<String, Tensor> feed = new LinkedHashMap<>();
        for (Map.Entry<String, BatchTensor> e : encoder.collate(tokens, inputs).entrySet()) {
            feed.put(e.getKey(), Tensor.ofLongs(e.getValue().longs(), e.getValue().shape()));
        }
        return feed;
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
        String json = need(file, meta, ExportMetadata.KEY_CLASSES, "a JSON array of class names");
        try {
            return List.copyOf(Json.MAPPER.readValue(json, new TypeReference<List<String>>() {}));
        } catch (IOException e) {
            throw new RegulaException(Problem.of("metadata " + ExportMetadata.KEY_CLASSES + " = " + json + " is not a JSON array of class "
                    + "names").withFile(file, 0).withExpected("a JSON array of class names", json));
        }
    }

    private static String need(Path file, Map<String, String> meta, String key, String expected) throws RegulaException {
        String v = meta.get(key);
        if (v == null || v.isBlank()) {
            throw new RegulaException(Problem.of("metadata key " + key + " is missing (expected " + expected
                    + "); is this a model exported by Regula?").withFile(file, 0).withExpected(expected, null));
        }
        return v;
    }

    private static int integer(Path file, Map<String, String> meta, String key) throws RegulaException {
        String v = need(file, meta, key, "an integer");
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new RegulaException(Problem.of("metadata " + key + " = '" + v + "' is not an integer").withFile(file, 0)
                    .withExpected("an integer", v));
        }
    }

    private static void closeQuietly(TextEncoder encoder) {
        if (encoder != null) {
            encoder.close();
        }
    }
}
