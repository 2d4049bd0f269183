package dev.regula.transfer.export;

import dev.regula.models.Checker;
import dev.regula.models.ElemType;
import dev.regula.models.GraphBuilder;
import dev.regula.models.OnnxCheckException;
import dev.regula.models.OnnxModel;
import dev.regula.models.OnnxRef;
import dev.regula.models.onnx.TensorShapeProto;
import dev.regula.models.onnx.ValueInfoProto;
import dev.regula.transfer.backbone.FeatureModel;
import dev.regula.transfer.train.TrainedHead;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BiFunction;

/**
 * Merges a feature model and a trained head into ONE ONNX model: the backbone's inputs, then the
 * backbone, pooling, the head, and two outputs, {@value #PROBABILITIES} float {@code [B, C]} and
 * {@value #LABEL} int64 {@code [B]} (their row-wise ArgMax). The head is written into the feature
 * model's own graph, in the feature model's own opset, so the backbone's nodes are kept byte for
 * byte. Class names, encoder settings and provenance go into {@code metadata_props} under
 * {@link ExportMetadata}'s keys, beside the feature model's own keys.
 *
 * <p>This is the graph half of the one export path: the pipeline's export stage
 * ({@code pipeline.stage.export}) writes the files and the metadata, and {@link ExportParity}
 * checks any exported file against the DJL reference.
 */
public final class ModelExport {
    /** The model's file name in an export folder. */
    public static final String MODEL_FILE = "model.onnx";
    /** Output holding the class probabilities. */
    public static final String PROBABILITIES = "probabilities";
    /** Output holding the predicted class index. */
    public static final String LABEL = "label";

    private ModelExport() {}

    /**
     * Checks that a model read back from {@code file} has the outputs an export carries, so that a
     * model whose outputs were removed or renamed is refused with what was expected rather than
     * ONNX Runtime's raw text (or a missing-key fault) at the first run.
     *
     * @throws ExportException naming the expected outputs and the ones found
     */
    public static void checkOutputs(OnnxModel model, Path file) throws ExportException {
        List<String> found = model.proto().getGraph().getOutputList().stream().map(ValueInfoProto::getName).toList();
        if (!found.contains(PROBABILITIES) || !found.contains(LABEL)) {
            throw new ExportException(file, "expected the outputs of a Regula export, '" + PROBABILITIES
                    + "' (float [batch, classes]) and '" + LABEL + "' (int64 [batch]); the graph's outputs are " + found);
        }
    }

    /**
     * The feature model continued by one trained head ({@link #append} with the head's own graph),
     * checked by {@link Checker}. Metadata is the feature model's; the pipeline's export stage adds
     * the provenance under {@link ExportMetadata}'s keys.
     */
    public static OnnxModel withHead(FeatureModel featureModel, TrainedHead head, boolean keepFeatures) throws ExportException {
        return append(featureModel, head.classes(), head::writeGraph, keepFeatures, head.spec().kind().yamlName() + " head");
    }

    /**
     * The feature model continued by any classifier on its {@code features} output (one head, an
     * ensemble): outputs {@value #PROBABILITIES} float {@code [batch, classes]} and {@value #LABEL}
     * int64 {@code [batch]}, written in the feature model's own opset and checked by {@link Checker}.
     * Metadata is the feature model's; callers add their own.
     *
     * @param classifier writes {@code [batch, classes]} probabilities after the given {@code [batch, d]} features
     * @param what names the classifier in error messages
     */
    public static OnnxModel append(FeatureModel featureModel, int classes,
                                   BiFunction<GraphBuilder, OnnxRef, OnnxRef> classifier, boolean keepFeatures, String what)
            throws ExportException {
        OnnxModel features = OnnxModel.of(featureModel.proto());
        OnnxModel merged;
        try {
            GraphBuilder g = GraphBuilder.appendTo(features);
            Object batch = batchDim(features);
            OnnxRef probs = classifier.apply(g, g.existing(FeatureModel.OUTPUT));
            OnnxRef label = g.argMax(probs, 1, false);
            if (!keepFeatures) {
                g.removeOutput(FeatureModel.OUTPUT);
            }
            g.output(probs, PROBABILITIES, ElemType.FLOAT, batch, (long) classes);
            g.output(label, LABEL, ElemType.INT64, batch);
            merged = g.build();
        } catch (IllegalArgumentException | IllegalStateException e) {
            // OpsetException is an IllegalArgumentException: e.g. an op the feature model's opset lacks.
            throw new ExportException(null, "cannot write the " + what + " into the feature model's graph (ai.onnx opset "
                    + opsetOf(features) + "): " + e.getMessage(), e);
        }
        return check(merged);
    }

    private static OnnxModel check(OnnxModel merged) throws ExportException {
        try {
            Checker.check(merged);
        } catch (OnnxCheckException e) {
            throw new ExportException(null, "the merged model fails the ONNX structural check: " + e.problems(), e);
        }
        return merged;
    }

    /** The feature output's batch dim: its symbolic name or fixed size as declared, else {@code batch}. */
    private static Object batchDim(OnnxModel features) {
        for (ValueInfoProto o : features.proto().getGraph().getOutputList()) {
            if (o.getName().equals(FeatureModel.OUTPUT) && o.getType().getTensorType().getShape().getDimCount() > 0) {
                TensorShapeProto.Dimension d = o.getType().getTensorType().getShape().getDim(0);
                if (d.hasDimParam() && !d.getDimParam().isEmpty()) {
                    return d.getDimParam();
                }
                if (d.hasDimValue()) {
                    return d.getDimValue();
                }
            }
        }
        return "batch";
    }

    private static long opsetOf(OnnxModel m) {
        return m.proto().getOpsetImportList().stream().filter(o -> o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx"))
                .mapToLong(o -> o.getVersion()).findFirst().orElse(-1);
    }
}
