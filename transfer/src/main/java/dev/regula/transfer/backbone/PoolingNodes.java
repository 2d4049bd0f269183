package dev.regula.transfer.backbone;

import dev.regula.models.onnx.AttributeProto;
import dev.regula.models.onnx.GraphProto;
import dev.regula.models.onnx.NodeProto;
import dev.regula.models.onnx.TensorProto;
import java.util.List;

/**
 * Appends pooling and normalisation nodes to a graph in the graph's own opset: before opset 13
 * {@code Unsqueeze} and {@code ReduceSum} take {@code axes} as an attribute, from 13 as an input;
 * {@code ReduceMax} moves its axes to an input only at opset 18.
 *
 * <p>Written against the protobuf classes; when {@code dev.regula.models.GraphBuilder} exists,
 * these helpers should become calls to it.
 */
final class PoolingNodes {
    private static final String PREFIX = "regula/pool/";
    /** Guards the mean against an all-zero mask. */
    private static final float COUNT_EPS = 1e-9f;
    /** Added to masked positions before ReduceMax so they never win. */
    private static final float MASKED = -1e9f;
    /** Guards the L2 norm of an all-zero vector. */
    static final float L2_EPS = 1e-12f;

    private final GraphProto.Builder g;
    private final long opset;
    private int counter;

    PoolingNodes(GraphProto.Builder g, long opset) {
        this.g = g;
        this.opset = opset;
    }

    /** Appends pooling of {@code hidden} ({@code [B, L, d]} or {@code [B, d]} for NONE); returns the pooled tensor. */
    String pool(String hidden, Pooling pooling, String mask) {
        return switch (pooling) {
            case NONE -> hidden;
            case CLS -> node("Gather", List.of(hidden, scalarInt64(0)), intAttr("axis", 1));
            case MEAN -> {
                String m3 = mask3(mask);
                String sum = reduce("ReduceSum", node("Mul", List.of(hidden, m3)), 13);
                String count = reduce("ReduceSum", m3, 13);
                yield node("Div", List.of(sum, node("Max", List.of(count, scalarFloat(COUNT_EPS)))));
            }
            case MAX -> {
                String m3 = mask3(mask);
                // (m - 1) * 1e9 is 0 where the mask is 1 (values pass unchanged) and -1e9 where it is 0.
                String penalty = node("Mul", List.of(node("Sub", List.of(m3, scalarFloat(1f))), scalarFloat(-MASKED)));
                yield reduce("ReduceMax", node("Add", List.of(hidden, penalty)), 18);
            }
        };
    }

    /** x / sqrt(max(sum(x^2), eps)) over the last axis of a {@code [B, d]} tensor. */
    String l2Normalize(String x) {
        String ss = reduceKeep("ReduceSum", node("Mul", List.of(x, x)), 13);
        String norm = node("Sqrt", List.of(node("Max", List.of(ss, scalarFloat(L2_EPS)))));
        return node("Div", List.of(x, norm));
    }

    String castToFloat(String x) {
        return node("Cast", List.of(x), intAttr("to", TensorProto.DataType.FLOAT_VALUE));
    }

    /** Renames the last tensor to {@code name} through an Identity node. */
    void output(String tensor, String name) {
        g.addNode(NodeProto.newBuilder().setOpType("Identity").setName(PREFIX + "output")
                .addInput(tensor).addOutput(name));
    }

    /** The mask as float {@code [B, L, 1]}. */
    private String mask3(String mask) {
        String m = castToFloat(mask);
        if (opset < 13) {
            return node("Unsqueeze", List.of(m), intsAttr("axes", 2));
        }
        return node("Unsqueeze", List.of(m, int64s(2)));
    }

    /** Reduces over axis 1 without keeping it; {@code axesInputSince} is the opset where axes became an input. */
    private String reduce(String op, String x, long axesInputSince) {
        return reduce(op, x, axesInputSince, 1, 0);
    }

    /** Reduces over axis 1 of a {@code [B, d]} tensor keeping it, giving {@code [B, 1]}. */
    private String reduceKeep(String op, String x, long axesInputSince) {
        return reduce(op, x, axesInputSince, 1, 1);
    }

    private String reduce(String op, String x, long axesInputSince, long axis, long keepdims) {
        if (opset < axesInputSince) {
            return node(op, List.of(x), intsAttr("axes", axis), intAttr("keepdims", keepdims));
        }
        return node(op, List.of(x, int64s(axis)), intAttr("keepdims", keepdims));
    }

    private String node(String op, List<String> inputs, AttributeProto... attrs) {
        String out = PREFIX + op.toLowerCase(java.util.Locale.ROOT) + "_" + counter++;
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(out).addAllInput(inputs).addOutput(out);
        for (AttributeProto a : attrs) {
            n.addAttribute(a);
        }
        g.addNode(n);
        return out;
    }

    private String scalarInt64(long v) {
        String name = PREFIX + "const_" + counter++;
        g.addInitializer(TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.INT64_VALUE).addInt64Data(v));
        return name;
    }

    private String int64s(long... v) {
        String name = PREFIX + "const_" + counter++;
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.INT64_VALUE).addDims(v.length);
        for (long x : v) {
            t.addInt64Data(x);
        }
        g.addInitializer(t);
        return name;
    }

    private String scalarFloat(float v) {
        String name = PREFIX + "const_" + counter++;
        g.addInitializer(TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE).addFloatData(v));
        return name;
    }

    private static AttributeProto intAttr(String name, long v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(v).build();
    }

    private static AttributeProto intsAttr(String name, long... v) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long x : v) {
            a.addInts(x);
        }
        return a.build();
    }
}
