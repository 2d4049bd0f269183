package dev.regula.transfer.finetune;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.BinaryOperator;
import java.util.function.LongBinaryOperator;
import java.util.function.UnaryOperator;

/** Arithmetic ops on NDArrays (autograd flows through them); int64 arithmetic on host tensors stays in Java. */
final class MathOps {
    private MathOps() {
    }

    static void register(Map<String, Op> ops) {
        ops.put("MatMul", binary(NDArray::matMul, null));
        ops.put("Add", binary(NDArray::add, Math::addExact));
        ops.put("Sub", binary(NDArray::sub, Math::subtractExact));
        ops.put("Mul", binary(NDArray::mul, Math::multiplyExact));
        // ONNX integer Div truncates toward zero, as Java's does; torch.div would return floats.
        ops.put("Div", binary(MathOps::div, (a, b) -> a / b));
        ops.put("Pow", MathOps::pow);
        ops.put("Sqrt", unary(NDArray::sqrt));
        ops.put("Erf", unary(NDArray::erf));
        ops.put("Softmax", MathOps::softmax);
        ops.put("ReduceMean", reduce("ReduceMean", 18, NDArray::mean));
        ops.put("ReduceSum", reduce("ReduceSum", 13, NDArray::sum));
        ops.put("ReduceMax", reduce("ReduceMax", 18, NDArray::max));
        ops.put("Clip", MathOps::clip);
        ops.put("Tanh", unary(NDArray::tanh));
        ops.put("Neg", unary(NDArray::neg));
        ops.put("Exp", unary(NDArray::exp));
        ops.put("Where", MathOps::where);
    }

    private static NDArray div(NDArray a, NDArray b) {
        NDArray q = a.div(b);
        return a.getDataType().isInteger() && !q.getDataType().isInteger() ? q.toType(a.getDataType(), false) : q;
    }

    private static Op unary(UnaryOperator<NDArray> f) {
        return (c, in) -> List.of(new Value.Dense(f.apply(c.nd(in.get(0)))));
    }

    private static Op binary(BinaryOperator<NDArray> f, LongBinaryOperator host) {
        return (c, in) -> {
            if (host != null && in.get(0) instanceof Value.Host a && in.get(1) instanceof Value.Host b) {
                return List.of(HostMath.binary(a, b, host));
            }
            return List.of(new Value.Dense(f.apply(c.nd(in.get(0)), c.nd(in.get(1)))));
        };
    }

    private static List<Value> pow(OpContext c, List<Value> in) {
        NDArray base = c.nd(in.get(0));
        NDArray exp = c.nd(in.get(1));
        // From opset 12 the exponent may have another type (Pow(float, int64 2)); libtorch promotes, ONNX keeps the base's type.
        if (exp.getDataType() != base.getDataType()) {
            exp = exp.toType(base.getDataType(), false);
        }
        return List.of(new Value.Dense(base.pow(exp)));
    }

    private static List<Value> softmax(OpContext c, List<Value> in) {
        NDArray x = c.nd(in.get(0));
        long[] s = x.getShape().getShape();
        if (c.opset() >= 13) {
            return List.of(new Value.Dense(x.softmax(HostMath.axis(c.intAttr("axis", -1), s.length, "Softmax axis"))));
        }
        // Before opset 13, Softmax flattens to 2-D at axis and normalizes each row of the flattened tensor.
        int axis = HostMath.axis(c.intAttr("axis", 1), s.length, "Softmax axis");
        if (axis == s.length - 1) {
            return List.of(new Value.Dense(x.softmax(axis)));
        }
        NDArray flat = x.reshape(HostMath.product(s, 0, axis), HostMath.product(s, axis, s.length));
        return List.of(new Value.Dense(flat.softmax(1).reshape(new Shape(s))));
    }

    /** A reduction over axes given as attribute (before {@code axesInputOpset}) or as input 1. */
    private interface Reduction {
        NDArray apply(NDArray x, int[] axes, boolean keepDims);
    }

    private static Op reduce(String name, int axesInputOpset, Reduction f) {
        return (c, in) -> {
            NDArray x = c.nd(in.get(0));
            int r = x.getShape().dimension();
            long[] axes = c.opset() < axesInputOpset ? c.intsAttr("axes")
                    : in.size() > 1 && in.get(1) != null ? ShapeOps.longs(in.get(1)) : null;
            boolean keep = c.intAttr("keepdims", 1) != 0;
            if (axes == null || axes.length == 0) {
                if (c.intAttr("noop_with_empty_axes", 0) != 0) {
                    return List.of(new Value.Dense(x));
                }
                axes = new long[r];
                for (int i = 0; i < r; i++) {
                    axes[i] = i;
                }
            }
            int[] ax = new int[axes.length];
            for (int i = 0; i < axes.length; i++) {
                ax[i] = HostMath.axis(axes[i], r, name + " axis");
            }
            Arrays.sort(ax);
            return List.of(new Value.Dense(f.apply(x, ax, keep)));
        };
    }

    private static double scalar(OpContext c, Value v) {
        return v instanceof Value.Host h ? h.data()[0] : ((Value.Dense) v).array().toType(DataType.FLOAT64, false).getDouble();
    }

    private static List<Value> clip(OpContext c, List<Value> in) {
        NDArray x = c.nd(in.get(0));
        double lo;
        double hi;
        if (c.opset() < 11) {
            lo = c.attr("min") == null ? Double.NEGATIVE_INFINITY : c.attr("min").getF();
            hi = c.attr("max") == null ? Double.POSITIVE_INFINITY : c.attr("max").getF();
        } else {
            lo = in.size() > 1 && in.get(1) != null ? scalar(c, in.get(1)) : Double.NEGATIVE_INFINITY;
            hi = in.size() > 2 && in.get(2) != null ? scalar(c, in.get(2)) : Double.POSITIVE_INFINITY;
        }
        return List.of(new Value.Dense(x.clip(lo, hi)));
    }

    private static List<Value> where(OpContext c, List<Value> in) {
        NDArray cond = c.nd(in.get(0));
        if (cond.getDataType() != DataType.BOOLEAN) {
            cond = cond.toType(DataType.BOOLEAN, false);
        }
        NDArray x = c.nd(in.get(1));
        NDArray y = c.nd(in.get(2));
        // ONNX Where broadcasts all three inputs; DJL's where wants equal shapes.
        long[] shape = HostMath.broadcast(HostMath.broadcast(cond.getShape().getShape(), x.getShape().getShape()),
                y.getShape().getShape());
        Shape s = new Shape(shape);
        return List.of(new Value.Dense(NDArrays.where(to(cond, s), to(x, s), to(y, s))));
    }

    private static NDArray to(NDArray a, Shape s) {
        return a.getShape().equals(s) ? a : a.broadcast(s);
    }
}
