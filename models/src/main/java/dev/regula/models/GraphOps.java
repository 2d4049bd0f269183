package dev.regula.models;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * Typed op helpers of {@link GraphBuilder}: each writes the form its builder's opset needs
 * (axes as attribute or input, Clip bounds as attributes or inputs) and returns the output.
 * Semantics follow the ONNX operator of the same name.
 */
public abstract sealed class GraphOps permits GraphBuilder {
    GraphOps() {
    }

    /** The ai.onnx opset this builder writes. */
    public abstract int opset();

    /** A one-output ai.onnx node; see {@link GraphBuilder#node(String, List, Map, int)}. */
    public abstract OnnxRef node(String opType, List<OnnxRef> inputs, Map<String, Object> attrs);

    /** A float initializer; see {@link GraphBuilder#initializer(String, float[], long...)}. */
    public abstract OnnxRef initializer(String nameHint, float[] data, long... dims);

    /** An int64 initializer; see {@link GraphBuilder#initializer(String, long[], long...)}. */
    public abstract OnnxRef initializer(String nameHint, long[] data, long... dims);

    /** The rank of {@code ref} when the builder knows it (declared, or inferred from the ops it wrote). */
    public abstract OptionalInt rank(OnnxRef ref);

    /** A float scalar (rank 0) initializer. */
    public OnnxRef constant(float value) {
        return initializer("const", new float[] {value});
    }

    /** An int64 scalar (rank 0) initializer. */
    public OnnxRef constant(long value) {
        return initializer("const", new long[] {value});
    }

    /** Matrix product with numpy broadcasting of batch dims. */
    public OnnxRef matMul(OnnxRef a, OnnxRef b) {
        return op("MatMul", a, b);
    }

    /** {@code alpha * op(a) @ op(b) + beta * c}; {@code c} may be null from opset 11. */
    public OnnxRef gemm(OnnxRef a, OnnxRef b, OnnxRef c, float alpha, float beta, boolean transA, boolean transB) {
        if (c == null && opset() < 11) {
            throw new OpsetException("Gemm", opset(), "Gemm at opset " + opset()
                    + " needs its C input; C is optional from opset 11");
        }
        Map<String, Object> attrs = new HashMap<>();
        attrs.put("alpha", alpha);
        attrs.put("beta", beta);
        attrs.put("transA", transA ? 1L : 0L);
        attrs.put("transB", transB ? 1L : 0L);
        return node("Gemm", c == null ? List.of(a, b) : List.of(a, b, c), attrs);
    }

    /** {@code a @ b + c} (no transposes, alpha = beta = 1). */
    public OnnxRef gemm(OnnxRef a, OnnxRef b, OnnxRef c) {
        return gemm(a, b, c, 1f, 1f, false, false);
    }

    /** Elementwise {@code a + b} with broadcasting. */
    public OnnxRef add(OnnxRef a, OnnxRef b) {
        return op("Add", a, b);
    }

    /** Elementwise {@code a - b} with broadcasting. */
    public OnnxRef sub(OnnxRef a, OnnxRef b) {
        return op("Sub", a, b);
    }

    /** Elementwise {@code a * b} with broadcasting. */
    public OnnxRef mul(OnnxRef a, OnnxRef b) {
        return op("Mul", a, b);
    }

    /** Elementwise {@code a / b} with broadcasting. */
    public OnnxRef div(OnnxRef a, OnnxRef b) {
        return op("Div", a, b);
    }

    /** {@code max(x, 0)}. */
    public OnnxRef relu(OnnxRef x) {
        return op("Relu", x);
    }

    /** Hyperbolic tangent. */
    public OnnxRef tanh(OnnxRef x) {
        return op("Tanh", x);
    }

    /** {@code 1 / (1 + exp(-x))}. */
    public OnnxRef sigmoid(OnnxRef x) {
        return op("Sigmoid", x);
    }

    /** Needs opset >= 9. */
    public OnnxRef erf(OnnxRef x) {
        return op("Erf", x);
    }

    /** Square root. */
    public OnnxRef sqrt(OnnxRef x) {
        return op("Sqrt", x);
    }

    /** Natural exponential. */
    public OnnxRef exp(OnnxRef x) {
        return op("Exp", x);
    }

    /** Natural logarithm. */
    public OnnxRef log(OnnxRef x) {
        return op("Log", x);
    }

    /** {@code -x}. */
    public OnnxRef neg(OnnxRef x) {
        return op("Neg", x);
    }

    /** A copy of {@code x} under a new name. */
    public OnnxRef identity(OnnxRef x) {
        return op("Identity", x);
    }

    /**
     * Softmax along {@code axis}. Before opset 13 ONNX Softmax flattens its input to 2-D at
     * {@code axis}, which equals a per-axis softmax only on the last axis: there any other axis
     * is refused with an {@link OpsetException} (the builder must know the input's rank unless axis is -1).
     */
    public OnnxRef softmax(OnnxRef x, long axis) {
        return node("Softmax", List.of(x), Map.of("axis", axis));
    }

    /** Log-softmax along {@code axis}; same opset rule as {@link #softmax(OnnxRef, long)}. */
    public OnnxRef logSoftmax(OnnxRef x, long axis) {
        return node("LogSoftmax", List.of(x), Map.of("axis", axis));
    }

    /** Mean over {@code axes} (all axes when empty); axes are an attribute before opset 18, an input from 18. */
    public OnnxRef reduceMean(OnnxRef x, long[] axes, boolean keepDims) {
        return reduce("ReduceMean", x, axes, keepDims);
    }

    /** Sum over {@code axes} (all axes when empty); axes are an attribute before opset 13, an input from 13. */
    public OnnxRef reduceSum(OnnxRef x, long[] axes, boolean keepDims) {
        return reduce("ReduceSum", x, axes, keepDims);
    }

    /** Max over {@code axes} (all axes when empty); axes are an attribute before opset 18, an input from 18. */
    public OnnxRef reduceMax(OnnxRef x, long[] axes, boolean keepDims) {
        return reduce("ReduceMax", x, axes, keepDims);
    }

    private OnnxRef reduce(String op, OnnxRef x, long[] axes, boolean keepDims) {
        Objects.requireNonNull(axes, "axes");
        Map<String, Object> attrs = new HashMap<>();
        attrs.put("keepdims", keepDims ? 1L : 0L);
        List<OnnxRef> ins = new ArrayList<>();
        ins.add(x);
        if (axes.length > 0) {
            if (Opsets.operandAsInput(op, opset())) {
                ins.add(initializer(op.toLowerCase(java.util.Locale.ROOT) + "_axes", axes.clone(), axes.length));
            } else {
                attrs.put("axes", axes.clone());
            }
        }
        return node(op, ins, attrs);
    }

    /** Joins {@code xs} along {@code axis}. */
    public OnnxRef concat(long axis, OnnxRef... xs) {
        if (xs.length == 0) {
            throw new IllegalArgumentException("Concat needs at least one input");
        }
        return node("Concat", List.of(xs), Map.of("axis", axis));
    }

    /** Reshape to {@code shape} (0 copies the input dim, -1 infers one dim). */
    public OnnxRef reshape(OnnxRef x, long... shape) {
        OnnxRef s = initializer("shape", shape.clone(), shape.length);
        return node("Reshape", List.of(x, s), Map.of());
    }

    /** Inserts size-1 dims at {@code axes}; attribute before opset 13, input from 13. */
    public OnnxRef unsqueeze(OnnxRef x, long... axes) {
        if (axes.length == 0) {
            throw new IllegalArgumentException("Unsqueeze needs at least one axis");
        }
        return axesOp("Unsqueeze", x, axes);
    }

    /** Removes size-1 dims at {@code axes} (all of them when none given); attribute before opset 13, input from 13. */
    public OnnxRef squeeze(OnnxRef x, long... axes) {
        if (axes.length == 0) {
            return node("Squeeze", List.of(x), Map.of());
        }
        return axesOp("Squeeze", x, axes);
    }

    private OnnxRef axesOp(String op, OnnxRef x, long[] axes) {
        if (Opsets.operandAsInput(op, opset())) {
            OnnxRef a = initializer(op.toLowerCase(java.util.Locale.ROOT) + "_axes", axes.clone(), axes.length);
            return node(op, List.of(x, a), Map.of());
        }
        return node(op, List.of(x), Map.of("axes", axes.clone()));
    }

    /** Permutes dims by {@code perm} (reverses them when none given). */
    public OnnxRef transpose(OnnxRef x, long... perm) {
        return node("Transpose", List.of(x), perm.length == 0 ? Map.of() : Map.of("perm", perm.clone()));
    }

    /** Converts to element type {@code to}. */
    public OnnxRef cast(OnnxRef x, ElemType to) {
        return node("Cast", List.of(x), Map.of("to", (long) to.code()));
    }

    /** Index of the max along {@code axis}, as int64. */
    public OnnxRef argMax(OnnxRef x, long axis, boolean keepDims) {
        return node("ArgMax", List.of(x), Map.of("axis", axis, "keepdims", keepDims ? 1L : 0L));
    }

    /** Picks slices of {@code data} along {@code axis} at int64/int32 {@code indices}. */
    public OnnxRef gather(OnnxRef data, OnnxRef indices, long axis) {
        return node("Gather", List.of(data, indices), Map.of("axis", axis));
    }

    /**
     * Clamps a float tensor to [min, max]; a {@code null} bound is open. Bounds are attributes
     * before opset 11 and scalar inputs from 11.
     */
    public OnnxRef clip(OnnxRef x, Float min, Float max) {
        if (opset() < 11) {
            Map<String, Object> attrs = new HashMap<>();
            if (min != null) {
                attrs.put("min", min);
            }
            if (max != null) {
                attrs.put("max", max);
            }
            return node("Clip", List.of(x), attrs);
        }
        List<OnnxRef> ins = new ArrayList<>(Arrays.asList(x, min == null ? null : constant(min.floatValue())));
        if (max != null) {
            ins.add(constant(max.floatValue()));
        } else if (min == null) {
            ins.remove(1);
        }
        return node("Clip", ins, Map.of());
    }

    /** {@code cond ? x : y} elementwise; needs opset >= 9. */
    public OnnxRef where(OnnxRef cond, OnnxRef x, OnnxRef y) {
        return op("Where", cond, x, y);
    }

    private OnnxRef op(String opType, OnnxRef... ins) {
        for (OnnxRef r : ins) {
            Objects.requireNonNull(r, () -> opType + " input");
        }
        return node(opType, List.of(ins), Map.of());
    }
}
