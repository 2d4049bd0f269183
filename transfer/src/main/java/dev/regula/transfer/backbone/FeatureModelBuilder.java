package dev.regula.transfer.backbone;

import dev.regula.models.ElemType;
import dev.regula.models.OnnxModel;
import dev.regula.models.OnnxRef;
import dev.regula.models.Surgery;
import dev.regula.models.onnx.GraphProto;
import dev.regula.models.onnx.ModelProto;
import dev.regula.models.onnx.NodeProto;
import dev.regula.models.onnx.OperatorSetIdProto;
import dev.regula.models.onnx.StringStringEntryProto;
import dev.regula.models.onnx.TensorProto;
import dev.regula.models.onnx.ValueInfoProto;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a backbone into a {@link FeatureModel}: cuts the graph at the feature tensor, appends the
 * pooling and normalisation as ONNX nodes in the backbone's opset, and records provenance.
 */
public final class FeatureModelBuilder {
    private FeatureModelBuilder() {}

    /** Reads the backbone's model file and builds its feature model. */
    public static FeatureModel build(Backbone backbone, FeatureSpec spec) throws BackboneException {
        ModelProto proto;
        try {
            proto = ModelProto.parseFrom(Files.readAllBytes(backbone.model().file()));
        } catch (IOException e) {
            throw new BackboneException(backbone.model().source(), "cannot read ONNX model "
                    + backbone.model().file() + ": " + e.getMessage(), e);
        }
        return build(proto, backbone.model().sha256(), backbone.model().source(), spec);
    }

    /**
     * Largest feature dim Regula accepts (2^24). A declared dim above it is a corrupt or hostile
     * graph: cast to an int it would wrap (2^63-1 became -1, "unknown") and fail much later.
     */
    public static final long MAX_FEATURE_DIM = 1L << 24;

    /**
     * The backbone's first graph output: the feature tensor when none is named.
     *
     * @throws BackboneException when the graph declares no outputs
     */
    public static String firstOutput(ModelProto backbone, String backboneSource) throws BackboneException {
        GraphProto g = backbone.getGraph();
        if (g.getOutputCount() == 0) {
            throw new BackboneException(backboneSource, "the backbone graph declares no outputs; expected at least one"
                    + " (the feature tensor, e.g. last_hidden_state [batch, tokens, d])");
        }
        return g.getOutput(0).getName();
    }

    /**
     * Builds the feature model of an in-memory backbone.
     *
     * @param backboneSha256 SHA-256 of the backbone's bytes, recorded as provenance
     * @param backboneSource the backbone's source string, recorded as provenance
     */
    public static FeatureModel build(ModelProto backbone, String backboneSha256, String backboneSource, FeatureSpec spec)
            throws BackboneException {
        GraphProto g = backbone.getGraph();
        checkNoExternalData(g, backboneSource);
        checkOpset(backbone, backboneSource);
        ValueInfoProto info = describe(g, spec.tensor(), backboneSource);
        checkRank(info, spec, backboneSource);
        Set<String> inputs = new HashSet<>();
        g.getInputList().forEach(v -> inputs.add(v.getName()));
        if (spec.pooling().needsMask() && !inputs.contains(spec.maskInput())) {
            throw new BackboneException(backboneSource, spec.pooling().yamlName() + " pooling reads the attention mask from graph input '"
                    + spec.maskInput() + "', but the graph's inputs are " + names(g.getInputList()));
        }

        if (producesOrHolds(g, FeatureModel.OUTPUT)) {
            throw new BackboneException(backboneSource, "the backbone already has a tensor named '" + FeatureModel.OUTPUT
                    + "', which the feature model's output needs");
        }
        int elem = info.getType().getTensorType().getElemType();
        boolean cast = elem != 0 && elem != TensorProto.DataType.FLOAT_VALUE;
        long knownDim = lastDim(info);
        if (knownDim > MAX_FEATURE_DIM) {
            throw new BackboneException(backboneSource, "feature tensor '" + spec.tensor() + "' declares a feature dim of "
                    + knownDim + "; expected 1 to " + MAX_FEATURE_DIM + " (features are held as float32 [N, d])");
        }
        OnnxModel appended;
        try {
            appended = Surgery.appendAfter(OnnxModel.of(backbone), spec.tensor(), (gb, t) -> {
                OnnxRef x = cast ? gb.cast(t, ElemType.FLOAT) : t;
                x = PoolingGraph.pool(gb, x, spec.pooling(), spec.pooling().needsMask() ? gb.existing(spec.maskInput()) : null);
                return spec.l2Normalize() ? PoolingGraph.l2Normalize(gb, x) : x;
            }, FeatureModel.OUTPUT, ElemType.FLOAT, "batch", knownDim > 0 ? (Object) knownDim : "feature_dim");
        } catch (IllegalArgumentException e) { // OpsetException included
            throw new BackboneException(backboneSource, "cannot append " + spec.pooling().yamlName() + " pooling after '"
                    + spec.tensor() + "': " + e.getMessage(), e);
        }
        ModelProto draft = appended.proto();
        int dim = knownDim > 0 ? (int) knownDim : DimProbe.probe(draft.toByteArray(), backboneSource);
        return FeatureModel.fromBytes(withProvenance(draft, dim, spec, backboneSha256, backboneSource).toByteArray());
    }

    /** Fixes the output's feature dim and records provenance in metadata_props (replacing older regula.* values). */
    private static ModelProto withProvenance(ModelProto m, int dim, FeatureSpec spec, String sha, String source) {
        ModelProto.Builder b = m.toBuilder();
        ValueInfoProto.Builder out = b.getGraphBuilder().getOutputBuilder(0);
        out.getTypeBuilder().getTensorTypeBuilder().getShapeBuilder().getDimBuilder(1).clear().setDimValue(dim);
        Map<String, String> meta = new LinkedHashMap<>();
        for (StringStringEntryProto e : m.getMetadataPropsList()) {
            meta.put(e.getKey(), e.getValue());
        }
        meta.put(FeatureModel.KEY_BACKBONE_SHA256, sha);
        meta.put(FeatureModel.KEY_BACKBONE_SOURCE, source);
        meta.put(FeatureModel.KEY_TENSOR, spec.tensor());
        meta.put(FeatureModel.KEY_POOLING, spec.pooling().yamlName());
        meta.put(FeatureModel.KEY_L2, Boolean.toString(spec.l2Normalize()));
        meta.put(FeatureModel.KEY_DIM, Integer.toString(dim));
        meta.put(FeatureModel.KEY_MASK_INPUT, spec.maskInput());
        b.clearMetadataProps();
        meta.forEach((k, v) -> b.addMetadataProps(StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
        return b.build();
    }

    private static void checkOpset(ModelProto m, String source) throws BackboneException {
        for (OperatorSetIdProto o : m.getOpsetImportList()) {
            if (o.getDomain().isEmpty() || "ai.onnx".equals(o.getDomain())) {
                return;
            }
        }
        throw new BackboneException(source, "the model imports no default-domain (ai.onnx) opset");
    }

    private static void checkNoExternalData(GraphProto g, String source) throws BackboneException {
        for (TensorProto t : g.getInitializerList()) {
            if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
                throw new BackboneException(source, "initializer '" + t.getName() + "' keeps its data in an external file;"
                        + " Regula imports self-contained .onnx files only");
            }
        }
    }

    /** The value info of the feature tensor (possibly type-less), or a clear error naming candidates. */
    private static ValueInfoProto describe(GraphProto g, String tensor, String source) throws BackboneException {
        for (List<ValueInfoProto> list : List.of(g.getOutputList(), g.getValueInfoList(), g.getInputList())) {
            for (ValueInfoProto v : list) {
                if (v.getName().equals(tensor)) {
                    return v;
                }
            }
        }
        for (NodeProto n : g.getNodeList()) {
            if (n.getOutputList().contains(tensor)) {
                return ValueInfoProto.newBuilder().setName(tensor).build();
            }
        }
        List<String> internal = new ArrayList<>();
        for (NodeProto n : g.getNodeList()) {
            internal.addAll(n.getOutputList());
        }
        List<String> tail = internal.subList(Math.max(0, internal.size() - 5), internal.size());
        throw new BackboneException(source, "the graph has no tensor '" + tensor + "'; its outputs are "
                + names(g.getOutputList()) + " (an internal tensor may be named too, e.g. one of the last node outputs "
                + tail + ")");
    }

    private static void checkRank(ValueInfoProto info, FeatureSpec spec, String source) throws BackboneException {
        if (!info.getType().getTensorType().hasShape()) {
            return; // rank unknown: ONNX Runtime will say so when the graph is loaded
        }
        int rank = info.getType().getTensorType().getShape().getDimCount();
        int want = spec.pooling() == Pooling.NONE ? 2 : 3;
        if (rank != want) {
            throw new BackboneException(source, "feature tensor '" + spec.tensor() + "' has rank " + rank + "; "
                    + spec.pooling().yamlName() + " pooling expects rank " + want
                    + (want == 2 ? " [batch, d] (use mean, cls or max pooling for [batch, tokens, d])"
                            : " [batch, tokens, d] (use pooling none for [batch, d])"));
        }
    }

    private static long lastDim(ValueInfoProto info) {
        var t = info.getType().getTensorType();
        if (!t.hasShape() || t.getShape().getDimCount() == 0) {
            return -1;
        }
        var d = t.getShape().getDim(t.getShape().getDimCount() - 1);
        return d.hasDimValue() && d.getDimValue() > 0 ? d.getDimValue() : -1;
    }

    private static boolean producesOrHolds(GraphProto g, String name) {
        for (NodeProto n : g.getNodeList()) {
            if (n.getOutputList().contains(name)) {
                return true;
            }
        }
        return g.getInputList().stream().anyMatch(v -> v.getName().equals(name))
                || g.getInitializerList().stream().anyMatch(t -> t.getName().equals(name));
    }

    private static List<String> names(List<ValueInfoProto> vs) {
        return vs.stream().map(ValueInfoProto::getName).toList();
    }
}
