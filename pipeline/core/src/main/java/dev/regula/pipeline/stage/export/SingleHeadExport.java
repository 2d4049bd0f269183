package dev.regula.pipeline.stage.export;

import dev.regula.models.GraphBuilder;
import dev.regula.models.OnnxModel;
import dev.regula.models.OnnxRef;
import dev.regula.pipeline.run.Json;
import dev.regula.transfer.backbone.FeatureModel;
import dev.regula.transfer.export.ExportException;
import dev.regula.transfer.export.ExportMetadata;
import dev.regula.transfer.export.ModelExport;
import dev.regula.transfer.train.TrainedHead;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * The export of one head after the feature model: inputs → backbone → pooled features → head →
 * {@value ModelExport#PROBABILITIES} {@code [batch, C]} float and {@value ModelExport#LABEL} {@code [batch]} int64
 * (ArgMax). An ensemble exports through the same frame ({@link #build(FeatureModel, int, List, BiFunction, Map)}),
 * writing its fused members and combiner where the head would go.
 */
public final class SingleHeadExport {
    private SingleHeadExport() {
    }

    /**
     * Builds the exported model.
     *
     * @param labels label names in class-index order
     * @param metadata provenance added to {@code metadata_props} (after the feature model's own)
     */
    public static OnnxModel build(FeatureModel features, TrainedHead head, List<String> labels, Map<String, String> metadata)
            throws ExportException {
        return build(features, head.classes(), labels, head::writeGraph, metadata);
    }

    /**
     * Builds the exported model around any classifier on the features.
     *
     * @param classes number of classes the classifier outputs
     * @param classifier writes {@code [batch, classes]} probabilities after the given {@code [batch, d]} features
     */
    public static OnnxModel build(FeatureModel features, int classes, List<String> labels,
            BiFunction<GraphBuilder, OnnxRef, OnnxRef> classifier, Map<String, String> metadata) throws ExportException {
        if (labels.size() != classes) {
            throw new IllegalArgumentException("the model has " + classes + " classes, but " + labels.size()
                    + " label names were given: " + labels);
        }
        Map<String, String> meta = new java.util.LinkedHashMap<>();
        meta.put(ExportMetadata.KEY_CLASSES, Json.compact(labels));
        meta.putAll(metadata);
        return ModelExport.append(features, classes, classifier, false, "classifier").withMetadata(meta);
    }
}
