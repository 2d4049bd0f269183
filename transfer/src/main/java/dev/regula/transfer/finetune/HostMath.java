package dev.regula.transfer.finetune;

import java.util.Arrays;
import java.util.function.LongBinaryOperator;

/** Shape plumbing on int64 tensors held in Java ({@link Value.Host}), with ONNX semantics. */
final class HostMath {
    private HostMath() {
    }

    static long product(long[] dims, int from, int to) {
        long n = 1;
        for (int i = from; i < to; i++) {
            n = Math.multiplyExact(n, dims[i]);
        }
        return n;
    }

    /** {@code axis} in {@code [-rank, rank)} made non-negative. */
    static int axis(long axis, int rank, String what) {
        long a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) {
            throw new IllegalArgumentException(what + " " + axis + " is out of range for rank " + rank
                    + ", expected " + (-rank) + ".." + (rank - 1));
        }
        return (int) a;
    }

    /** The numpy (multidirectional) broadcast of two shapes. */
    static long[] broadcast(long[] a, long[] b) {
        int r = Math.max(a.length, b.length);
        long[] out = new long[r];
        for (int i = 0; i < r; i++) {
            long x = i < r - a.length ? 1 : a[i - (r - a.length)];
            long y = i < r - b.length ? 1 : b[i - (r - b.length)];
            if (x != y && x != 1 && y != 1) {
                throw new IllegalArgumentException("shapes " + Arrays.toString(a) + " and " + Arrays.toString(b)
                        + " do not broadcast: dim " + i + " is " + x + " vs " + y + ", expected equal or 1");
            }
            out[i] = x == 1 ? y : x;
        }
        return out;
    }

    /** Element-wise {@code f(a, b)} with numpy broadcasting. */
    static Value.Host binary(Value.Host a, Value.Host b, LongBinaryOperator f) {
        long[] shape = broadcast(a.shape(), b.shape());
        long[] out = new long[Math.toIntExact(product(shape, 0, shape.length))];
        long[] ia = strides(a.shape(), shape.length);
        long[] ib = strides(b.shape(), shape.length);
        long[] idx = new long[shape.length];
        for (int k = 0; k < out.length; k++) {
            long oa = 0;
            long ob = 0;
            for (int d = 0; d < shape.length; d++) {
                oa += idx[d] * ia[d];
                ob += idx[d] * ib[d];
            }
            out[k] = f.applyAsLong(a.data()[(int) oa], b.data()[(int) ob]);
            increment(idx, shape);
        }
        return new Value.Host(out, shape);
    }

    /** Row-major strides of {@code shape} right-aligned to {@code rank}, 0 on broadcast (size-1 or missing) dims. */
    private static long[] strides(long[] shape, int rank) {
        long[] s = new long[rank];
        long step = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            s[i + rank - shape.length] = shape[i] == 1 ? 0 : step;
            step *= shape[i];
        }
        return s;
    }

    private static void increment(long[] idx, long[] shape) {
        for (int d = shape.length - 1; d >= 0; d--) {
            if (++idx[d] < shape[d]) {
                return;
            }
            idx[d] = 0;
        }
    }

    /** {@code data} broadcast to {@code shape} (ONNX Expand: the result has the broadcast of both shapes). */
    static Value.Host expand(Value.Host data, long[] shape) {
        long[] out = broadcast(data.shape(), shape);
        return binary(data, new Value.Host(new long[Math.toIntExact(product(out, 0, out.length))], out), (x, y) -> x);
    }

    /** ONNX Gather: {@code data} indexed along {@code axis} by {@code indices} (negative counts from the end). */
    static Value.Host gather(Value.Host data, Value.Host indices, int axis) {
        long[] s = data.shape();
        long pre = product(s, 0, axis);
        long d = s[axis];
        long post = product(s, axis + 1, s.length);
        long[] idx = indices.data();
        long[] out = new long[Math.toIntExact(pre * idx.length * post)];
        for (int p = 0; p < pre; p++) {
            for (int i = 0; i < idx.length; i++) {
                long k = idx[i] < 0 ? idx[i] + d : idx[i];
                if (k < 0 || k >= d) {
                    throw new IllegalArgumentException("Gather index " + idx[i] + " is out of range for dim " + d
                            + " of data " + Arrays.toString(s) + ", expected " + (-d) + ".." + (d - 1));
                }
                System.arraycopy(data.data(), (int) ((p * d + k) * post), out, (int) ((p * idx.length + i) * post), (int) post);
            }
        }
        long[] shape = concatDims(Arrays.copyOfRange(s, 0, axis), indices.shape(), Arrays.copyOfRange(s, axis + 1, s.length));
        return new Value.Host(out, shape);
    }

    static long[] concatDims(long[]... parts) {
        return Arrays.stream(parts).flatMapToLong(Arrays::stream).toArray();
    }

    /** ONNX Concat along {@code axis} (already non-negative). */
    static Value.Host concat(Value.Host[] parts, int axis) {
        long[] first = parts[0].shape();
        long outer = product(first, 0, axis);
        long total = 0;
        for (Value.Host h : parts) {
            long[] s = h.shape();
            if (s.length != first.length) {
                throw new IllegalArgumentException("Concat inputs have ranks " + first.length + " and " + s.length
                        + ", expected equal ranks");
            }
            for (int i = 0; i < s.length; i++) {
                if (i != axis && s[i] != first[i]) {
                    throw new IllegalArgumentException("Concat inputs " + Arrays.toString(first) + " and "
                            + Arrays.toString(s) + " differ in dim " + i + ", expected equal dims except axis " + axis);
                }
            }
            total += s[axis];
        }
        long[] shape = first.clone();
        shape[axis] = total;
        long[] out = new long[Math.toIntExact(product(shape, 0, shape.length))];
        int pos = 0;
        for (int o = 0; o < outer; o++) {
            for (Value.Host h : parts) {
                int inner = (int) product(h.shape(), axis, h.shape().length);
                System.arraycopy(h.data(), o * inner, out, pos, inner);
                pos += inner;
            }
        }
        return new Value.Host(out, shape);
    }

    /** One axis of an ONNX Slice, clamped as the spec says: first index, step and element count. */
    record Range(long start, long step, long count) {
        static Range of(long start, long end, long step, long dim) {
            if (step == 0) {
                throw new IllegalArgumentException("Slice step is 0, expected a non-zero step");
            }
            long s = start < 0 ? start + dim : start;
            long e = end < 0 ? end + dim : end;
            long n;
            if (step > 0) {
                s = Math.max(0, Math.min(s, dim));
                e = Math.max(0, Math.min(e, dim));
                n = e > s ? (e - s + step - 1) / step : 0;
            } else {
                s = Math.max(-1, Math.min(s, dim - 1));
                e = Math.max(-1, Math.min(e, dim - 1));
                n = s > e ? (s - e + (-step) - 1) / (-step) : 0;
            }
            return new Range(s, step, n);
        }
    }

    /** A slice of {@code data}: one {@link Range} per axis. */
    static Value.Host slice(Value.Host data, Range[] ranges) {
        long[] in = data.shape();
        long[] shape = new long[in.length];
        for (int i = 0; i < in.length; i++) {
            shape[i] = ranges[i].count();
        }
        long[] stride = new long[in.length];
        long step = 1;
        for (int i = in.length - 1; i >= 0; i--) {
            stride[i] = step;
            step *= in[i];
        }
        long[] out = new long[Math.toIntExact(product(shape, 0, shape.length))];
        long[] idx = new long[shape.length];
        for (int k = 0; k < out.length; k++) {
            long off = 0;
            for (int d = 0; d < shape.length; d++) {
                off += (ranges[d].start() + idx[d] * ranges[d].step()) * stride[d];
            }
            out[k] = data.data()[(int) off];
            increment(idx, shape);
        }
        return new Value.Host(out, shape);
    }
}
