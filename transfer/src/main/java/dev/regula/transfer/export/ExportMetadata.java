package dev.regula.transfer.export;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.regula.models.OnnxModel;
import dev.regula.models.OnnxModelException;
import dev.regula.transfer.backbone.FeatureModel;
import dev.regula.transfer.head.HeadSpec;
import dev.regula.transfer.regularize.RegularizationSpec;
import dev.regula.transfer.train.TrainingSpec;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The provenance and encoder settings an exported model carries in its {@code metadata_props},
 * written by {@link ModelExport} and read back by whatever serves the model. Specs are stored as
 * JSON with the same keys as the YAML specs. Its {@code KEY_*} constants are the one list of the
 * keys Regula writes into an export (the feature model's own keys come from {@link FeatureModel},
 * an ensemble's from the ensemble module), read by the pipeline's export, predict and report.
 *
 * @param classes class names in index order ({@code probabilities[:, k]} is class {@code k})
 * @param tokenizerFile the tokenizer file beside the model, or {@code null} for numeric backbones
 * @param maxLength tokens per text (text backbones), or {@code null}
 * @param truncation whether longer texts are cut at {@code maxLength} (text backbones), or {@code null}
 * @param headSpec the head's architecture
 * @param regularization the regularization the head was trained under
 * @param training the optimisation settings
 * @param backboneSha256 SHA-256 of the backbone file
 * @param dataSha256 SHA-256 of the training data
 * @param bestEpoch the 1-based epoch whose weights were exported
 * @param version the Regula version that wrote the export
 */
public record ExportMetadata(List<String> classes, String tokenizerFile, Integer maxLength, Boolean truncation,
                             HeadSpec headSpec, RegularizationSpec regularization, TrainingSpec training,
                             String backboneSha256, String dataSha256, int bestEpoch, String version) {

    public static final String KEY_CLASSES = "regula.classes";
    public static final String KEY_TOKENIZER_FILE = "regula.tokenizer.file";
    public static final String KEY_MAX_LENGTH = "regula.tokenizer.max_length";
    public static final String KEY_TRUNCATION = "regula.tokenizer.truncation";
    public static final String KEY_HEAD_SPEC = "regula.head.spec";
    public static final String KEY_REGULARIZATION = "regula.regularization";
    public static final String KEY_TRAINING = "regula.training";
    public static final String KEY_BACKBONE_SHA256 = FeatureModel.KEY_BACKBONE_SHA256;
    public static final String KEY_DATA_SHA256 = "regula.data.sha256";
    public static final String KEY_BEST_EPOCH = "regula.best_epoch";
    public static final String KEY_VERSION = "regula.version";
    /** What was exported: a head's name, {@code soup}, or {@code ensemble} (pipeline exports). */
    public static final String KEY_HEAD_NAME = "regula.head.name";
    /** An ensemble's soup exported alone: its kind, {@code of} and ingredients (pipeline exports). */
    public static final String KEY_SOUP = "regula.soup";
    /** File name of the tokenizer copied beside {@code model.onnx}. */
    public static final String TOKENIZER_FILE = "tokenizer.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    public ExportMetadata {
        classes = List.copyOf(Objects.requireNonNull(classes, "classes"));
        Objects.requireNonNull(headSpec, "headSpec");
        Objects.requireNonNull(regularization, "regularization");
        Objects.requireNonNull(training, "training");
        Objects.requireNonNull(backboneSha256, "backboneSha256");
        Objects.requireNonNull(dataSha256, "dataSha256");
        Objects.requireNonNull(version, "version");
        if ((tokenizerFile == null) != (maxLength == null) || (maxLength == null) != (truncation == null)) {
            throw new IllegalArgumentException("tokenizer file, max length and truncation go together, got " + tokenizerFile
                    + ", " + maxLength + ", " + truncation);
        }
        if (bestEpoch < 1) {
            throw new IllegalArgumentException("bestEpoch must be >= 1, got " + bestEpoch);
        }
    }

    /** The metadata of an export request. */
    static ExportMetadata of(ExportRequest r) {
        boolean text = r.tokenizer() != null;
        return new ExportMetadata(r.classes(), text ? TOKENIZER_FILE : null, text ? r.maxLength() : null,
                text ? r.truncation() : null, r.head().spec(), r.head().regularization(), r.head().training(),
                r.featureModel().backboneSha256(), r.dataSha256(), r.head().history().bestEpoch(), currentVersion());
    }

    /** The Regula version on the class path: the jar's Implementation-Version, or {@code dev} when run from classes. */
    public static String currentVersion() {
        String v = ExportMetadata.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /** These entries as {@code metadata_props}, in a fixed order. */
    public Map<String, String> toProps() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(KEY_CLASSES, json(classes));
        if (tokenizerFile != null) {
            m.put(KEY_TOKENIZER_FILE, tokenizerFile);
            m.put(KEY_MAX_LENGTH, Integer.toString(maxLength));
            m.put(KEY_TRUNCATION, Boolean.toString(truncation));
        }
        m.put(KEY_HEAD_SPEC, json(headSpec));
        m.put(KEY_REGULARIZATION, json(regularization));
        m.put(KEY_TRAINING, json(training));
        m.put(KEY_BACKBONE_SHA256, backboneSha256);
        m.put(KEY_DATA_SHA256, dataSha256);
        m.put(KEY_BEST_EPOCH, Integer.toString(bestEpoch));
        m.put(KEY_VERSION, version);
        return m;
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON: " + e.getMessage(), e);
        }
    }

    /** Reads the metadata of an exported model file. */
    public static ExportMetadata read(Path modelFile) throws ExportException {
        try {
            return read(OnnxModel.read(modelFile));
        } catch (OnnxModelException e) {
            throw new ExportException(modelFile, "cannot read the exported model: " + e.getMessage(), e);
        }
    }

    /**
     * Reads the metadata of an exported model.
     *
     * @throws ExportException naming the missing or malformed key and what was expected
     */
    public static ExportMetadata read(OnnxModel model) throws ExportException {
        Map<String, String> meta = model.metadata();
        Reader r = new Reader(model, meta);
        List<String> classes = r.json(KEY_CLASSES, new TypeReference<List<String>>() {}, "a JSON array of class names");
        String tok = meta.get(KEY_TOKENIZER_FILE);
        Integer maxLength = null;
        Boolean truncation = null;
        if (tok != null) {
            maxLength = r.integer(KEY_MAX_LENGTH);
            String t = r.need(KEY_TRUNCATION);
            if (!t.equals("true") && !t.equals("false")) {
                throw r.bad(KEY_TRUNCATION, t, "true or false");
            }
            truncation = Boolean.parseBoolean(t);
        }
        return new ExportMetadata(classes, tok, maxLength, truncation,
                r.json(KEY_HEAD_SPEC, new TypeReference<HeadSpec>() {}, "a head spec as JSON"),
                r.json(KEY_REGULARIZATION, new TypeReference<RegularizationSpec>() {}, "a regularization spec as JSON"),
                r.json(KEY_TRAINING, new TypeReference<TrainingSpec>() {}, "a training spec as JSON"),
                r.need(KEY_BACKBONE_SHA256), r.need(KEY_DATA_SHA256), r.integer(KEY_BEST_EPOCH), r.need(KEY_VERSION));
    }

    /**
     * Reads only the class names of an exported model, in index order.
     *
     * @throws ExportException when {@value #KEY_CLASSES} is missing or not a JSON array of strings
     */
    public static List<String> readClasses(OnnxModel model) throws ExportException {
        return new Reader(model, model.metadata()).json(KEY_CLASSES, new TypeReference<List<String>>() {},
                "a JSON array of class names");
    }

    /** Reads keys of one model, turning every fault into an {@link ExportException} naming the key. */
    private record Reader(OnnxModel model, Map<String, String> meta) {
        ExportException missing(String key) {
            return new ExportException(null, where() + ": metadata_props has no key '" + key
                    + "'; expected a model written by Regula's export (keys present: " + meta.keySet() + ")");
        }

        ExportException bad(String key, String value, String expected) {
            return bad(key, value, expected, null);
        }

        ExportException bad(String key, String value, String expected, Throwable cause) {
            String shown = value.length() > 200 ? value.substring(0, 200) + "..." : value;
            return new ExportException(null, where() + ": metadata_props key '" + key + "' holds '" + shown
                    + "', expected " + expected, cause);
        }

        String where() {
            return model.source() == null ? "exported model (in memory)" : model.source();
        }

        String need(String key) throws ExportException {
            String v = meta.get(key);
            if (v == null) {
                throw missing(key);
            }
            return v;
        }

        int integer(String key) throws ExportException {
            String v = need(key);
            try {
                return Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw bad(key, v, "an integer");
            }
        }

        <T> T json(String key, TypeReference<T> type, String expected) throws ExportException {
            String v = need(key);
            try {
                T value = JSON.readValue(v, type);
                if (value == null) {
                    throw bad(key, v, expected);
                }
                return value;
            } catch (JsonProcessingException | IllegalArgumentException e) {
                throw bad(key, v, expected + " (" + firstLine(e.getMessage()) + ")", e);
            }
        }

        private static String firstLine(String s) {
            if (s == null) {
                return "no detail";
            }
            int nl = s.indexOf('\n');
            return nl < 0 ? s : s.substring(0, nl);
        }
    }
}
