package dev.regula.models.quant;

import com.google.protobuf.ByteString;
import dev.regula.models.ElemType;
import dev.regula.models.OnnxModel;
import dev.regula.models.Tensors;
import dev.regula.models.onnx.GraphProto;
import dev.regula.models.onnx.NodeProto;
import dev.regula.models.onnx.TensorProto;
import dev.regula.models.onnx.TypeProto;
import dev.regula.models.onnx.ValueInfoProto;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Int8 quantization of the MatMuls of an fp32 ONNX graph whose second input is a float 2-D
 * initializer (the projections and feed-forward layers of a transformer; attention's
 * activation-by-activation MatMuls stay fp32, as they hold few FLOPs and no weights).
 *
 * <p>Types follow what ONNX Runtime's x86 CPU kernels run fastest (U8S8): activations uint8
 * asymmetric, weights int8 symmetric (zero point 0). Scales are per tensor: per-channel
 * {@code QuantizeLinear}/{@code DequantizeLinear} need opset 13 and MiniLM ships at opset 11. The
 * cost: one weight column with a large value coarsens every other column's steps; on MiniLM the
 * measured cosine to fp32 says whether that matters.
 *
 * <p>Static form (QDQ): {@code x -> QuantizeLinear -> DequantizeLinear -> MatMul <- DequantizeLinear <- W_int8};
 * ONNX Runtime fuses the pattern into an integer MatMul. Scales are constants, so an example's
 * outputs do not depend on its batch mates. Dynamic form: {@code DynamicQuantizeLinear} +
 * {@code MatMulInteger} + a float rescale, as ONNX Runtime's {@code quantize_dynamic} writes; the
 * activation scale comes from the whole batch, so such models run one example per call.
 */
public final class Quantizer {
    private Quantizer() {
    }

    /** Names of the activations (MatMul first inputs) a static quantization needs ranges for, in graph order. */
    public static List<String> activations(OnnxModel model) {
        return activations(model, Set.of());
    }

    /** As {@link #activations(OnnxModel)}, without the MatMuls whose outputs are in {@code keepFloat}. */
    public static List<String> activations(OnnxModel model, Set<String> keepFloat) {
        GraphProto g = model.proto().getGraph();
        Map<String, TensorProto> inits = initializers(g);
        Set<String> out = new LinkedHashSet<>();
        for (NodeProto n : g.getNodeList()) {
            if (quantizable(n, inits) && !keepFloat.contains(n.getOutput(0))) {
                out.add(n.getInput(0));
            }
        }
        return List.copyOf(out);
    }

    /** Output tensor names of the quantizable MatMuls, in graph order (the names {@link WeightOptions#keepFloat} takes). */
    public static List<String> matMulOutputs(OnnxModel model) {
        GraphProto g = model.proto().getGraph();
        Map<String, TensorProto> inits = initializers(g);
        List<String> out = new ArrayList<>();
        for (NodeProto n : g.getNodeList()) {
            if (quantizable(n, inits)) {
                out.add(n.getOutput(0));
            }
        }
        return out;
    }

    /** Each quantizable activation with the quantizable MatMuls that read it, in graph order. */
    static Map<String, List<NodeProto>> quantizableReaders(OnnxModel model) {
        GraphProto g = model.proto().getGraph();
        Map<String, TensorProto> inits = initializers(g);
        Map<String, List<NodeProto>> out = new java.util.LinkedHashMap<>();
        for (NodeProto n : g.getNodeList()) {
            if (quantizable(n, inits)) {
                out.computeIfAbsent(n.getInput(0), k -> new ArrayList<>()).add(n);
            }
        }
        return out;
    }

    /** A copy of {@code model} that also outputs every tensor of {@link #activations}, for calibration runs. */
    public static OnnxModel calibrationModel(OnnxModel model) {
        GraphProto g = model.proto().getGraph();
        Set<String> outputs = new HashSet<>();
        g.getOutputList().forEach(o -> outputs.add(o.getName()));
        GraphProto.Builder b = g.toBuilder();
        for (String a : activations(model)) {
            if (outputs.add(a)) {
                b.addOutput(ValueInfoProto.newBuilder().setName(a).setType(TypeProto.newBuilder()
                        .setTensorType(TypeProto.Tensor.newBuilder().setElemType(ElemType.FLOAT.code()))));
            }
        }
        return OnnxModel.of(model.proto().toBuilder().setGraph(b).build());
    }

    /**
     * Static QDQ quantization with the given activation ranges ([min, max] per tensor of
     * {@link #activations}).
     *
     * @throws IllegalArgumentException if a range is missing (naming the tensor) or malformed
     */
    public static OnnxModel quantizeStatic(OnnxModel model, Map<String, float[]> ranges) {
        return quantizeStatic(model, ranges, WeightOptions.perTensor());
    }

    /**
     * Static QDQ quantization with weight options: MatMuls in {@code options.keepFloat()} stay fp32
     * (and need no range), weights per tensor or per output channel.
     *
     * @throws IllegalArgumentException if a range is missing or malformed, or a keepFloat name is not a quantizable MatMul's output
     */
    public static OnnxModel quantizeStatic(OnnxModel model, Map<String, float[]> ranges, WeightOptions options) {
        Set<String> known = new HashSet<>(matMulOutputs(model));
        for (String k : options.keepFloat()) {
            if (!known.contains(k)) {
                throw new IllegalArgumentException("keepFloat names '" + k + "', which is not the output of a quantizable"
                        + " MatMul (a MatMul of an activation by a float 2-D initializer)");
            }
        }
        for (String a : activations(model, options.keepFloat())) {
            float[] r = ranges.get(a);
            if (r == null || r.length != 2 || !(r[0] <= r[1]) || !Float.isFinite(r[0]) || !Float.isFinite(r[1])) {
                throw new IllegalArgumentException("no usable calibration range for activation '" + a
                        + "': expected [min, max] with min <= max, got "
                        + (r == null ? "none" : java.util.Arrays.toString(r)));
            }
        }
        return rewrite(model, true, ranges, options);
    }

    /** Dynamic quantization: {@code DynamicQuantizeLinear} + {@code MatMulInteger}; needs no calibration data. */
    public static OnnxModel quantizeDynamic(OnnxModel model) {
        return rewrite(model, false, Map.of(), WeightOptions.perTensor());
    }

    /**
     * Quantizes int8 symmetric per column of a {@code [rows, cols]} matrix: returns each column's
     * scale; {@code out} receives the bytes.
     */
    static float[] quantizeWeightColumns(float[] w, int cols, byte[] out) {
        float[] absMax = new float[cols];
        for (int i = 0; i < w.length; i++) {
            absMax[i % cols] = Math.max(absMax[i % cols], Math.abs(w[i]));
        }
        QuantParams[] p = new QuantParams[cols];
        float[] scales = new float[cols];
        for (int c = 0; c < cols; c++) {
            p[c] = QuantParams.symmetricInt8(absMax[c]);
            scales[c] = p[c].scale();
        }
        for (int i = 0; i < w.length; i++) {
            out[i] = (byte) p[i % cols].quantize(w[i]);
        }
        return scales;
    }

    /** Quantizes int8 symmetric per tensor: returns the parameters; {@code out} receives the bytes. */
    static QuantParams quantizeWeights(float[] w, byte[] out) {
        float absMax = 0;
        for (float v : w) {
            absMax = Math.max(absMax, Math.abs(v));
        }
        QuantParams p = QuantParams.symmetricInt8(absMax);
        for (int i = 0; i < w.length; i++) {
            out[i] = (byte) p.quantize(w[i]);
        }
        return p;
    }

    private static OnnxModel rewrite(OnnxModel model, boolean statically, Map<String, float[]> ranges,
                                     WeightOptions options) {
        GraphProto g = model.proto().getGraph();
        Map<String, TensorProto> inits = initializers(g);
        Set<String> taken = new HashSet<>(inits.keySet());
        g.getNodeList().forEach(n -> {
            taken.addAll(n.getOutputList());
            taken.add(n.getName());
        });
        g.getInputList().forEach(v -> taken.add(v.getName()));
        Names names = new Names(taken);

        GraphProto.Builder b = g.toBuilder().clearNode();
        Map<String, String[]> weightDone = new HashMap<>(); // W -> {q name, scale name, zp name}
        Map<String, String> actDone = new HashMap<>(); // static: x -> dequantized x
        Set<String> quantizedWeights = new HashSet<>();
        List<TensorProto> newInits = new ArrayList<>();
        for (NodeProto n : g.getNodeList()) {
            if (!quantizable(n, inits) || options.keepFloat().contains(n.getOutput(0))) {
                b.addNode(n);
                continue;
            }
            String x = n.getInput(0);
            String w = n.getInput(1);
            String[] wq = weightDone.get(w);
            if (wq == null) {
                TensorProto t = inits.get(w);
                float[] data = Tensors.toFloats(t);
                byte[] q = new byte[data.length];
                boolean perChannel = statically && options.perChannelWeights();
                wq = new String[] {names.fresh(w + "_quantized"), names.fresh(w + "_scale"), names.fresh(w + "_zero_point"),
                    perChannel ? names.fresh(w + "_column_scales") : null};
                float[] cols = perChannel ? quantizeWeightColumns(data, (int) t.getDims(1), q) : null;
                float scale = perChannel ? 1f : quantizeWeights(data, q).scale();
                newInits.add(TensorProto.newBuilder().setName(wq[0]).setDataType(ElemType.INT8.code())
                        .addAllDims(t.getDimsList()).setRawData(ByteString.copyFrom(q)).build());
                newInits.add(scalarFloat(wq[1], scale));
                if (perChannel) {
                    newInits.add(Tensors.floats(wq[3], cols, cols.length));
                }
                newInits.add(scalarInt8(wq[2], 0, true));
                weightDone.put(w, wq);
                quantizedWeights.add(w);
            }
            String base = n.getName().isEmpty() ? n.getOutput(0) : n.getName();
            if (statically) {
                String xd = actDone.get(x);
                if (xd == null) {
                    float[] r = ranges.get(x);
                    QuantParams p = QuantParams.asymmetricUint8(r[0], r[1]);
                    String s = names.fresh(x + "_scale");
                    String zp = names.fresh(x + "_zero_point");
                    String xq = names.fresh(x + "_quantized");
                    xd = names.fresh(x + "_dequantized");
                    newInits.add(scalarFloat(s, p.scale()));
                    newInits.add(scalarInt8(zp, p.zeroPoint(), false));
                    b.addNode(node("QuantizeLinear", names.fresh(x + "_QuantizeLinear"), List.of(x, s, zp), List.of(xq)));
                    b.addNode(node("DequantizeLinear", names.fresh(x + "_DequantizeLinear"), List.of(xq, s, zp), List.of(xd)));
                    actDone.put(x, xd);
                }
                String wd = names.fresh(w + "_dequantized");
                b.addNode(node("DequantizeLinear", names.fresh(base + "_weight_DequantizeLinear"),
                        List.of(wq[0], wq[1], wq[2]), List.of(wd)));
                if (wq[3] == null) {
                    b.addNode(n.toBuilder().setInput(0, xd).setInput(1, wd).build());
                } else {
                    String raw = names.fresh(n.getOutput(0) + "_unscaled");
                    b.addNode(n.toBuilder().setInput(0, xd).setInput(1, wd).setOutput(0, raw).build());
                    b.addNode(node("Mul", names.fresh(base + "_column_scale_Mul"), List.of(raw, wq[3]),
                            List.of(n.getOutput(0))));
                }
            } else {
                String xq = names.fresh(x + "_quantized");
                String xs = names.fresh(x + "_scale");
                String xzp = names.fresh(x + "_zero_point");
                b.addNode(node("DynamicQuantizeLinear", names.fresh(base + "_DynamicQuantizeLinear"), List.of(x),
                        List.of(xq, xs, xzp)));
                String acc = names.fresh(base + "_int32");
                b.addNode(node("MatMulInteger", names.fresh(base + "_MatMulInteger"), List.of(xq, wq[0], xzp, wq[2]),
                        List.of(acc)));
                String accF = names.fresh(base + "_int32_float");
                b.addNode(NodeProto.newBuilder().setOpType("Cast").setName(names.fresh(base + "_Cast")).addInput(acc)
                        .addOutput(accF).addAttribute(dev.regula.models.onnx.AttributeProto.newBuilder().setName("to")
                                .setType(dev.regula.models.onnx.AttributeProto.AttributeType.INT)
                                .setI(ElemType.FLOAT.code())).build());
                String scale = names.fresh(base + "_output_scale");
                b.addNode(node("Mul", names.fresh(base + "_scale_Mul"), List.of(xs, wq[1]), List.of(scale)));
                b.addNode(node("Mul", names.fresh(base + "_rescale_Mul"), List.of(accF, scale), List.of(n.getOutput(0))));
            }
        }
        // Drop float weights nothing reads any more.
        Set<String> read = new HashSet<>();
        b.getNodeList().forEach(n -> read.addAll(n.getInputList()));
        g.getOutputList().forEach(o -> read.add(o.getName()));
        b.clearInitializer();
        for (TensorProto t : g.getInitializerList()) {
            if (!quantizedWeights.contains(t.getName()) || read.contains(t.getName())) {
                b.addInitializer(t);
            }
        }
        b.addAllInitializer(newInits);
        // A graph input that shadows a dropped initializer (IR < 4 style) must go too.
        List<ValueInfoProto> inputs = new ArrayList<>(b.getInputList());
        b.clearInput();
        inputs.stream().filter(v -> !quantizedWeights.contains(v.getName()) || read.contains(v.getName()))
                .forEach(b::addInput);
        return OnnxModel.of(model.proto().toBuilder().setGraph(b).build());
    }

    private static boolean quantizable(NodeProto n, Map<String, TensorProto> inits) {
        if (!n.getOpType().equals("MatMul") || !(n.getDomain().isEmpty() || n.getDomain().equals("ai.onnx"))
                || n.getInputCount() != 2) {
            return false;
        }
        TensorProto w = inits.get(n.getInput(1));
        return w != null && w.getDataType() == ElemType.FLOAT.code() && w.getDimsCount() == 2
                && !inits.containsKey(n.getInput(0));
    }

    private static Map<String, TensorProto> initializers(GraphProto g) {
        Map<String, TensorProto> m = new HashMap<>();
        g.getInitializerList().forEach(t -> m.put(t.getName(), t));
        return m;
    }

    private static NodeProto node(String op, String name, List<String> in, List<String> out) {
        return NodeProto.newBuilder().setOpType(op).setName(name).addAllInput(in).addAllOutput(out).build();
    }

    private static TensorProto scalarFloat(String name, float v) {
        return Tensors.floats(name, new float[] {v});
    }

    private static TensorProto scalarInt8(String name, int v, boolean signed) {
        return TensorProto.newBuilder().setName(name)
                .setDataType((signed ? ElemType.INT8 : ElemType.UINT8).code())
                .setRawData(ByteString.copyFrom(new byte[] {(byte) v})).build();
    }

    /** Fresh tensor/node names that clash with nothing in the graph. */
    private static final class Names {
        private final Set<String> taken;

        Names(Set<String> taken) {
            this.taken = taken;
        }

        String fresh(String hint) {
            String s = hint;
            for (int i = 1; !taken.add(s); i++) {
                s = hint + "_" + i;
            }
            return s;
        }
    }
}
