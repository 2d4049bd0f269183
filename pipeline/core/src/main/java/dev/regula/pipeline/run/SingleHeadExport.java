package dev.regula.pipeline.run;

import dev.regula.models.ElemType;
import dev.regula.models.GraphBuilder;
import dev.regula.models.OnnxModel;
import dev.regula.models.OnnxRef;
import dev.regula.transfer.backbone.FeatureModel;
import dev.regula.transfer.train.TrainedHead;
import java.util.List;
import java.util.Map;

/**
 * The export of one head after the feature model: inputs → backbone → pooled features → head →
 * {@value #PROBABILITIES} {@code [batch, C]} float and {@value #LABEL} {@code [batch]} int64
 * (ArgMax). Kept in this one class so that the transfer module's ModelExport can replace it.
 */
public final class SingleHeadExport {
    public static final String PROBABILITIES = "probabilities";
    public static final String LABEL = "label";
    /** Metadata key holding the label names in index order, as a JSON list. */
    public static final String KEY_LABELS = "regula.labels";

    private SingleHeadExport() {
    }

    /**
     * Builds the exported model.
     *
     * @param labels label names in class-index order
     * @param metadata provenance added to {@code metadata_props} (after the feature model's own)
     */
    public static OnnxModel build(FeatureModel features, TrainedHead head, List<String> labels, Map<String, String> metadata) {
        if (labels.size() != head.classes()) {
            throw new IllegalArgumentException("the head has " + head.classes() + " classes, but " + labels.size()
                    + " label names were given: " + labels);
        }
        GraphBuilder g = GraphBuilder.appendTo(OnnxModel.of(features.proto()));
        OnnxRef probabilities = head.writeGraph(g, g.existing(FeatureModel.OUTPUT));
        g.output(probabilities, PROBABILITIES, ElemType.FLOAT, "batch", (long) head.classes());
        g.output(g.argMax(probabilities, 1, false), LABEL, ElemType.INT64, "batch");
        g.removeOutput(FeatureModel.OUTPUT);
        Map<String, String> meta = new java.util.LinkedHashMap<>();
        meta.put(KEY_LABELS, Json.compact(labels));
        meta.putAll(metadata);
        return g.build().withMetadata(meta);
    }
}
