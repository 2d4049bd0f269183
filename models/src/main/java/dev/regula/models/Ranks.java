package dev.regula.models;

import dev.regula.models.onnx.AttributeProto;
import dev.regula.models.onnx.GraphProto;
import dev.regula.models.onnx.NodeProto;
import dev.regula.models.onnx.TensorProto;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Rank of a node's first output from its inputs' ranks, for the ops the builder writes. The
 * builder needs ranks only to check Softmax axes before opset 13, so unknown stays unknown.
 */
final class Ranks {
    private static final Set<String> SAME_AS_FIRST = Set.of("Relu", "Tanh", "Sigmoid", "Erf", "Sqrt", "Identity",
            "Softmax", "LogSoftmax", "Hardmax", "Cast", "Clip", "Neg", "Exp", "Log", "Abs", "Reciprocal", "Dropout",
            "Concat", "Transpose", "LeakyRelu", "Elu", "Selu", "Softplus", "Floor", "Ceil", "Round", "Not", "Sign",
            "LayerNormalization", "Gelu", "HardSigmoid", "IsNaN", "IsInf", "CumSum", "Slice", "Split", "Tile", "Pad",
            "BatchNormalization", "Conv", "InstanceNormalization", "Trilu", "ScatterElements", "ScatterND",
            "GatherElements", "Resize", "Softsign", "HardSwish", "Mish", "Celu", "ThresholdedRelu");
    private static final Set<String> BROADCAST = Set.of("Add", "Sub", "Mul", "Div", "Pow", "Where", "Equal", "Less",
            "Greater", "LessOrEqual", "GreaterOrEqual", "And", "Or", "Xor", "Max", "Min", "Sum", "Mean", "Mod",
            "PRelu");

    private Ranks() {
    }

    /**
     * @param ins    ranks of the inputs (empty when unknown or absent)
     * @param consts int64 constant values of the inputs, or {@code null} entries when not constant
     */
    static OptionalInt infer(String op, List<OptionalInt> ins, List<long[]> consts, Map<String, Object> attrs) {
        if (ins.isEmpty()) {
            return OptionalInt.empty();
        }
        OptionalInt r0 = ins.get(0);
        if (SAME_AS_FIRST.contains(op)) {
            return r0;
        }
        if (BROADCAST.contains(op)) {
            int max = 0;
            for (OptionalInt r : ins) {
                if (r.isEmpty()) {
                    return OptionalInt.empty();
                }
                max = Math.max(max, r.getAsInt());
            }
            return OptionalInt.of(max);
        }
        switch (op) {
            case "Gemm", "Flatten", "NonZero":
                return OptionalInt.of(2);
            case "Shape":
                return OptionalInt.of(1);
            case "Size":
                return OptionalInt.of(0);
            case "MatMul":
                if (ins.size() == 2 && r0.isPresent() && ins.get(1).isPresent()
                        && r0.getAsInt() >= 2 && ins.get(1).getAsInt() >= 2) {
                    return OptionalInt.of(Math.max(r0.getAsInt(), ins.get(1).getAsInt()));
                }
                return OptionalInt.empty();
            case "Reshape":
                return consts.size() > 1 && consts.get(1) != null ? OptionalInt.of(consts.get(1).length)
                        : OptionalInt.empty();
            case "Gather":
                return ins.size() == 2 && r0.isPresent() && ins.get(1).isPresent()
                        ? OptionalInt.of(r0.getAsInt() + ins.get(1).getAsInt() - 1) : OptionalInt.empty();
            case "ArgMax", "ArgMin":
                return r0.isEmpty() ? r0 : OptionalInt.of(keepDims(attrs) ? r0.getAsInt() : r0.getAsInt() - 1);
            case "Unsqueeze", "Squeeze": {
                long[] axes = axes(consts, attrs);
                if (r0.isEmpty() || axes == null || (axes.length == 0 && op.equals("Squeeze"))) {
                    return OptionalInt.empty();
                }
                return OptionalInt.of(r0.getAsInt() + (op.equals("Unsqueeze") ? axes.length : -axes.length));
            }
            default:
                if (op.startsWith("Reduce")) {
                    if (r0.isEmpty()) {
                        return r0;
                    }
                    if (keepDims(attrs)) {
                        return r0;
                    }
                    long[] axes = axes(consts, attrs);
                    if (axes == null) {
                        return OptionalInt.empty();
                    }
                    return OptionalInt.of(axes.length == 0 ? 0 : r0.getAsInt() - axes.length);
                }
                return OptionalInt.empty();
        }
    }

    /**
     * Ranks of the top-level tensors of {@code g}: declared ones, then each node's first output
     * in node (topological) order where {@link #infer} knows the op.
     */
    static Map<String, Integer> propagate(GraphProto g) {
        Map<String, Integer> ranks = Graphs.declaredRanks(g);
        Map<String, long[]> consts = new HashMap<>();
        for (TensorProto t : g.getInitializerList()) {
            if (t.getDataType() == ElemType.INT64.code() && t.getDataLocation() != TensorProto.DataLocation.EXTERNAL) {
                consts.put(t.getName(), Tensors.toLongs(t));
            }
        }
        for (NodeProto n : g.getNodeList()) {
            if (n.getOutputCount() == 0 || ranks.containsKey(n.getOutput(0)) || !Graphs.isDefaultDomain(n.getDomain())) {
                continue;
            }
            if (n.getOpType().equals("Constant")) {
                n.getAttributeList().stream().filter(a -> a.getName().equals("value") && a.hasT())
                        .forEach(a -> ranks.put(n.getOutput(0), a.getT().getDimsCount()));
                continue;
            }
            List<OptionalInt> ins = new ArrayList<>();
            List<long[]> cs = new ArrayList<>();
            for (String in : n.getInputList()) {
                ins.add(Graphs.rank(ranks, in));
                cs.add(consts.get(in));
            }
            Map<String, Object> attrs = new HashMap<>();
            for (AttributeProto a : n.getAttributeList()) {
                if (a.getType() == AttributeProto.AttributeType.INT) {
                    attrs.put(a.getName(), a.getI());
                } else if (a.getType() == AttributeProto.AttributeType.INTS) {
                    attrs.put(a.getName(), a.getIntsList().stream().mapToLong(Long::longValue).toArray());
                }
            }
            OptionalInt r = infer(n.getOpType(), ins, cs, attrs);
            if (r.isPresent()) {
                ranks.put(n.getOutput(0), r.getAsInt());
            }
        }
        return ranks;
    }

    private static boolean keepDims(Map<String, Object> attrs) {
        Object k = attrs.get("keepdims");
        return !(k instanceof Number n) || n.longValue() != 0;
    }

    private static long[] axes(List<long[]> consts, Map<String, Object> attrs) {
        Object a = attrs.get("axes");
        if (a instanceof long[] l) {
            return l;
        }
        if (consts.size() > 1) {
            return consts.get(1);
        }
        return a == null ? new long[0] : null; // no axes given: "all" for Reduce*
    }
}
