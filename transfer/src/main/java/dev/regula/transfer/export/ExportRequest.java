package dev.regula.transfer.export;

import dev.regula.transfer.backbone.FeatureModel;
import dev.regula.transfer.train.TrainedHead;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/**
 * What {@link ModelExport} needs to merge a feature model and a trained head into one model.
 *
 * @param featureModel the feature model the head's training features came from
 * @param head the trained head; its input dim must equal the feature model's dim
 * @param classes class names in index order, one per head output
 * @param tokenizer the {@code tokenizer.json} that encodes text for the backbone, or {@code null}
 *     for backbones fed by numeric vectors
 * @param maxLength maximum tokens per text the features were extracted with (text only, >= 1)
 * @param truncation whether longer texts were cut at {@code maxLength}
 * @param dataSha256 SHA-256 of the training data (as recorded in the feature store's manifest)
 * @param keepFeatures also keep the pooled {@code features} output (default: removed)
 */
public record ExportRequest(FeatureModel featureModel, TrainedHead head, List<String> classes, Path tokenizer,
                            int maxLength, boolean truncation, String dataSha256, boolean keepFeatures) {

    public ExportRequest {
        Objects.requireNonNull(featureModel, "featureModel");
        Objects.requireNonNull(head, "head");
        Objects.requireNonNull(classes, "classes");
        classes = List.copyOf(classes);
        if (classes.size() != head.classes()) {
            throw new IllegalArgumentException("classes: the head has " + head.classes() + " outputs, got " + classes.size()
                    + " class names " + classes);
        }
        if (new HashSet<>(classes).size() != classes.size() || classes.stream().anyMatch(String::isEmpty)) {
            throw new IllegalArgumentException("classes: expected distinct, non-empty names, got " + classes);
        }
        if (head.inputDim() != featureModel.dim()) {
            throw new IllegalArgumentException("the head takes " + head.inputDim() + " features, the feature model gives "
                    + featureModel.dim());
        }
        if (tokenizer != null && maxLength < 1) {
            throw new IllegalArgumentException("maxLength must be >= 1 with a tokenizer, got " + maxLength);
        }
        if (dataSha256 == null || !dataSha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("dataSha256: expected 64 lowercase hex digits, got " + dataSha256);
        }
    }

    /** A text export: the {@code features} output removed. */
    public static ExportRequest text(FeatureModel featureModel, TrainedHead head, List<String> classes, Path tokenizer,
            int maxLength, boolean truncation, String dataSha256) {
        return new ExportRequest(featureModel, head, classes, Objects.requireNonNull(tokenizer, "tokenizer"), maxLength,
                truncation, dataSha256, false);
    }

    /** A copy that keeps (or drops) the pooled {@code features} output. */
    public ExportRequest withKeepFeatures(boolean keep) {
        return new ExportRequest(featureModel, head, classes, tokenizer, maxLength, truncation, dataSha256, keep);
    }
}
