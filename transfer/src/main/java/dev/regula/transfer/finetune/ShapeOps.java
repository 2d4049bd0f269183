package dev.regula.transfer.finetune;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.regula.models.onnx.AttributeProto;
import dev.regula.models.onnx.TensorProto;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Ops that move, select or describe data rather than compute on it. Each runs on the Java heap when
 * its data input is a {@link Value.Host} (int64 shape plumbing) and on NDArrays otherwise.
 */
final class ShapeOps {
    private ShapeOps() {
    }

    static void register(Map<String, Op> ops) {
        ops.put("Identity", (c, in) -> List.of(in.get(0)));
        ops.put("Shape", ShapeOps::shape);
        ops.put("Constant", ShapeOps::constant);
        ops.put("ConstantOfShape", ShapeOps::constantOfShape);
        ops.put("Cast", ShapeOps::cast);
        ops.put("Unsqueeze", ShapeOps::unsqueeze);
        ops.put("Squeeze", ShapeOps::squeeze);
        ops.put("Reshape", ShapeOps::reshape);
        ops.put("Concat", ShapeOps::concat);
        ops.put("Gather", ShapeOps::gather);
        ops.put("Slice", ShapeOps::slice);
        ops.put("Expand", ShapeOps::expand);
        ops.put("Transpose", ShapeOps::transpose);
    }

    /** The int64 values of a shape-like input (axes, starts, target shape), wherever it is held. */
    static long[] longs(Value v) {
        if (v instanceof Value.Host h) {
            return h.data();
        }
        NDArray a = ((Value.Dense) v).array();
        return a.getDataType() == DataType.INT64 ? a.toLongArray() : a.toType(DataType.INT64, false).toLongArray();
    }

    private static List<Value> shape(OpContext c, List<Value> in) {
        long[] s = in.get(0).shape();
        int r = s.length;
        // opset 15 added start/end; clamped like Slice.
        long start = c.intAttr("start", 0);
        long end = c.intAttr("end", r);
        HostMath.Range range = HostMath.Range.of(start, end, 1, r);
        return List.of(Value.Host.vector(Arrays.copyOfRange(s, (int) range.start(), (int) (range.start() + range.count()))));
    }

    private static List<Value> constant(OpContext c, List<Value> in) {
        TensorProto t = c.tensorAttr("value");
        if (t != null) {
            return List.of(TensorData.decode(t, c.manager(), c.floatType()));
        }
        AttributeProto a;
        if ((a = c.attr("value_float")) != null) {
            return List.of(new Value.Dense(c.manager().create(a.getF()).toType(c.floatType(), false)));
        }
        if ((a = c.attr("value_floats")) != null) {
            float[] f = new float[a.getFloatsCount()];
            for (int i = 0; i < f.length; i++) {
                f[i] = a.getFloats(i);
            }
            return List.of(new Value.Dense(c.manager().create(f).toType(c.floatType(), false)));
        }
        if ((a = c.attr("value_int")) != null) {
            return List.of(Value.Host.scalar(a.getI()));
        }
        if ((a = c.attr("value_ints")) != null) {
            return List.of(Value.Host.vector(a.getIntsList().stream().mapToLong(Long::longValue).toArray()));
        }
        throw c.bad("Constant has none of the attributes value, value_float(s), value_int(s) this interpreter reads"
                + " (sparse_value and strings are not supported)");
    }

    private static List<Value> constantOfShape(OpContext c, List<Value> in) {
        long[] shape = longs(in.get(0));
        TensorProto t = c.tensorAttr("value");
        long n = HostMath.product(shape, 0, shape.length);
        if (t == null) {
            return List.of(new Value.Dense(c.manager().zeros(new Shape(shape), DataType.FLOAT32).toType(c.floatType(), false)));
        }
        Value v = TensorData.decode(t, c.manager(), c.floatType());
        if (v instanceof Value.Host h) {
            long[] out = new long[Math.toIntExact(n)];
            Arrays.fill(out, h.data()[0]);
            return List.of(new Value.Host(out, shape));
        }
        NDArray scalar = ((Value.Dense) v).array().reshape(new Shape());
        return List.of(new Value.Dense(scalar.broadcast(new Shape(shape)).duplicate()));
    }

    private static List<Value> cast(OpContext c, List<Value> in) {
        long to = c.intAttr("to", -1);
        DataType type = TensorData.ndType(to, c.floatType());
        Value x = in.get(0);
        if (x instanceof Value.Host h && type == DataType.INT64) {
            return List.of(h);
        }
        NDArray a = c.nd(x);
        return List.of(new Value.Dense(a.getDataType() == type ? a : a.toType(type, false)));
    }

    /** Axes from the attribute (before {@code inputOpset}) or from input 1. */
    private static long[] axes(OpContext c, List<Value> in, int inputOpset) {
        if (c.opset() < inputOpset) {
            return c.intsAttr("axes");
        }
        return in.size() > 1 && in.get(1) != null ? longs(in.get(1)) : null;
    }

    private static List<Value> unsqueeze(OpContext c, List<Value> in) {
        long[] axes = axes(c, in, 13);
        if (axes == null) {
            throw c.bad("Unsqueeze has no axes, expected " + (c.opset() < 13 ? "the 'axes' attribute" : "an axes input"));
        }
        long[] s = in.get(0).shape();
        int r = s.length + axes.length;
        boolean[] added = new boolean[r];
        for (long a : axes) {
            int k = HostMath.axis(a, r, "Unsqueeze axis");
            if (added[k]) {
                throw c.bad("Unsqueeze axes " + Arrays.toString(axes) + " name axis " + k + " twice, expected distinct axes");
            }
            added[k] = true;
        }
        long[] out = new long[r];
        for (int i = 0, j = 0; i < r; i++) {
            out[i] = added[i] ? 1 : s[j++];
        }
        return List.of(withShape(c, in.get(0), out));
    }

    private static List<Value> squeeze(OpContext c, List<Value> in) {
        long[] axes = axes(c, in, 13);
        long[] s = in.get(0).shape();
        boolean[] drop = new boolean[s.length];
        if (axes == null) {
            for (int i = 0; i < s.length; i++) {
                drop[i] = s[i] == 1;
            }
        } else {
            for (long a : axes) {
                int k = HostMath.axis(a, s.length, "Squeeze axis");
                if (s[k] != 1) {
                    throw c.bad("Squeeze axis " + a + " has size " + s[k] + " in " + Arrays.toString(s) + ", expected 1");
                }
                drop[k] = true;
            }
        }
        long[] out = new long[s.length];
        int n = 0;
        for (int i = 0; i < s.length; i++) {
            if (!drop[i]) {
                out[n++] = s[i];
            }
        }
        return List.of(withShape(c, in.get(0), Arrays.copyOf(out, n)));
    }

    private static List<Value> reshape(OpContext c, List<Value> in) {
        long[] s = in.get(0).shape();
        long[] target = longs(in.get(1)).clone();
        boolean allowZero = c.intAttr("allowzero", 0) != 0;
        int infer = -1;
        long known = 1;
        for (int i = 0; i < target.length; i++) {
            if (target[i] == 0 && !allowZero) {
                if (i >= s.length) {
                    throw c.bad("Reshape target " + Arrays.toString(longs(in.get(1))) + " copies dim " + i
                            + " of an input of rank " + s.length);
                }
                target[i] = s[i];
            }
            if (target[i] == -1) {
                if (infer >= 0) {
                    throw c.bad("Reshape target " + Arrays.toString(target) + " has two -1 dims, expected at most one");
                }
                infer = i;
            } else {
                known *= target[i];
            }
        }
        long total = HostMath.product(s, 0, s.length);
        if (infer >= 0) {
            if (known == 0 || total % known != 0) {
                throw c.bad("Reshape cannot infer the -1 dim of " + Arrays.toString(target) + " for input " + Arrays.toString(s));
            }
            target[infer] = total / known;
        } else if (known != total) {
            throw c.bad("Reshape target " + Arrays.toString(target) + " holds " + known + " elements, the input "
                    + Arrays.toString(s) + " holds " + total);
        }
        return List.of(withShape(c, in.get(0), target));
    }

    private static Value withShape(OpContext c, Value v, long[] shape) {
        if (v instanceof Value.Host h) {
            return new Value.Host(h.data(), shape);
        }
        return new Value.Dense(((Value.Dense) v).array().reshape(new Shape(shape)));
    }

    private static List<Value> concat(OpContext c, List<Value> in) {
        int rank = in.get(0).shape().length;
        int axis = HostMath.axis(c.intAttr("axis", 0), rank, "Concat axis");
        if (in.stream().allMatch(v -> v instanceof Value.Host)) {
            return List.of(HostMath.concat(in.toArray(new Value.Host[0]), axis));
        }
        NDList list = new NDList();
        for (Value v : in) {
            list.add(c.nd(v));
        }
        return List.of(new Value.Dense(NDArrays.concat(list, axis)));
    }

    private static List<Value> gather(OpContext c, List<Value> in) {
        Value data = in.get(0);
        int axis = HostMath.axis(c.intAttr("axis", 0), data.shape().length, "Gather axis");
        if (data instanceof Value.Host h && in.get(1) instanceof Value.Host idx) {
            return List.of(HostMath.gather(h, idx, axis));
        }
        NDArray x = c.nd(data);
        long[] s = x.getShape().getShape();
        NDArray idx = c.nd(in.get(1));
        long[] idxShape = idx.getShape().getShape();
        if (idx.getDataType() != DataType.INT64) {
            idx = idx.toType(DataType.INT64, false);
        }
        long d = s[axis];
        // ONNX allows negative indices; torch.gather does not.
        NDArray flat = idx.flatten();
        flat = flat.add(flat.lt(0).toType(DataType.INT64, false).mul(d));
        long pre = HostMath.product(s, 0, axis);
        long post = HostMath.product(s, axis + 1, s.length);
        long n = flat.size();
        NDArray index = flat.reshape(1, n, 1).broadcast(pre, n, post);
        NDArray out = x.reshape(pre, d, post).gather(index, 1);
        long[] shape = HostMath.concatDims(Arrays.copyOfRange(s, 0, axis), idxShape, Arrays.copyOfRange(s, axis + 1, s.length));
        return List.of(new Value.Dense(out.reshape(new Shape(shape))));
    }

    private static List<Value> slice(OpContext c, List<Value> in) {
        long[] starts;
        long[] ends;
        long[] axes;
        long[] steps = null;
        if (c.opset() < 10) {
            starts = c.intsAttr("starts");
            ends = c.intsAttr("ends");
            axes = c.intsAttr("axes");
        } else {
            starts = longs(in.get(1));
            ends = longs(in.get(2));
            axes = in.size() > 3 && in.get(3) != null ? longs(in.get(3)) : null;
            steps = in.size() > 4 && in.get(4) != null ? longs(in.get(4)) : null;
        }
        if (starts == null || ends == null || starts.length != ends.length) {
            throw c.bad("Slice needs starts and ends of one length, got " + Arrays.toString(starts) + " and " + Arrays.toString(ends));
        }
        long[] s = in.get(0).shape();
        HostMath.Range[] ranges = new HostMath.Range[s.length];
        for (int i = 0; i < s.length; i++) {
            ranges[i] = new HostMath.Range(0, 1, s[i]);
        }
        for (int i = 0; i < starts.length; i++) {
            int axis = HostMath.axis(axes == null ? i : axes[i], s.length, "Slice axis");
            long step = steps == null ? 1 : steps[i];
            ranges[axis] = HostMath.Range.of(starts[i], ends[i], step, s[axis]);
        }
        if (in.get(0) instanceof Value.Host h) {
            return List.of(HostMath.slice(h, ranges));
        }
        NDIndex index = new NDIndex();
        for (HostMath.Range r : ranges) {
            if (r.step() < 0) {
                throw c.bad("Slice with a negative step on a computed tensor is not supported (libtorch has no negative"
                        + " strides); expected steps > 0");
            }
            index.addSliceDim(r.start(), r.start() + r.count() * r.step() - (r.count() == 0 ? 0 : r.step() - 1), r.step());
        }
        return List.of(new Value.Dense(((Value.Dense) in.get(0)).array().get(index)));
    }

    private static List<Value> expand(OpContext c, List<Value> in) {
        long[] shape = longs(in.get(1));
        if (in.get(0) instanceof Value.Host h) {
            return List.of(HostMath.expand(h, shape));
        }
        NDArray x = ((Value.Dense) in.get(0)).array();
        long[] out = HostMath.broadcast(x.getShape().getShape(), shape);
        return List.of(new Value.Dense(x.broadcast(new Shape(out))));
    }

    private static List<Value> transpose(OpContext c, List<Value> in) {
        NDArray x = c.nd(in.get(0));
        int r = x.getShape().dimension();
        long[] perm = c.intsAttr("perm");
        int[] p = new int[r];
        for (int i = 0; i < r; i++) {
            p[i] = perm == null ? r - 1 - i : HostMath.axis(perm[i], r, "Transpose perm entry");
        }
        if (perm != null && perm.length != r) {
            throw c.bad("Transpose perm " + Arrays.toString(perm) + " has " + perm.length + " entries for an input of rank " + r);
        }
        return List.of(new Value.Dense(x.transpose(p)));
    }
}
