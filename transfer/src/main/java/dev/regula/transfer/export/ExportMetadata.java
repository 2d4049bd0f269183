package dev.regula.transfer.export;

import dev.regula.transfer.backbone.FeatureModel;

/**
 * The keys Regula writes into an exported model's {@code metadata_props}: the one list, read by the
 * pipeline's export (which writes them), {@code predict} and {@code report}. The feature model's own
 * keys come from {@link FeatureModel}, an ensemble's from the ensemble module. Spec values are JSON
 * with the same keys as the YAML specs.
 */
public final class ExportMetadata {
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
    /** What was exported: a head's name, {@code soup}, or {@code ensemble} (pipeline exports). */
    public static final String KEY_HEAD_NAME = "regula.head.name";
    /** An ensemble's soup exported alone: its kind, {@code of} and ingredients (pipeline exports). */
    public static final String KEY_SOUP = "regula.soup";
    /** File name of the tokenizer copied beside {@code model.onnx}. */
    public static final String TOKENIZER_FILE = "tokenizer.json";

    private ExportMetadata() {
    }
}
