package dev.regula.transfer.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.List;

/**
 * Adam's per-element arithmetic in two passes over each parameter, in Java, on the arrays' own CPU memory,
 * with only the square root left to libtorch.
 *
 * <p>Why: written as libtorch operations the step is thirteen passes over every parameter, moment and
 * gradient (square, six scalings and sums, a division, a root, another division, the rate, the
 * subtraction), four of them into fresh arrays. At K = 32 heads of 384-128-2 each pass walks 6.3 MB, and
 * Adam was more than half of the stacked step. Here one pass reads the gradient and both moments and writes
 * the moments and {@code v / c2} (into a scratch array kept across steps), libtorch takes the root, and a
 * second pass reads the root, the first moment and the parameter and writes the parameter.
 *
 * <p>The arithmetic is the same sequence of float32 operations, each rounded, as
 * {@link ParameterUpdater.Adam}'s libtorch form: {@code v ← v·β2 + (g·g)·(1−β2); m ← m·β1 + g·(1−β1);
 * w ← w − (m / (√(v / c2) + ε))·r}. Java neither fuses multiply-adds nor keeps wider intermediates, and
 * libtorch's element-wise products, sums and quotients round every operation as well, so the results are
 * the same bit for bit (FusedAdamTest compares them, K = 1 included), which keeps a one-head stack equal to
 * the former trainer. The root stays in libtorch because its float32 root (MKL's vector math) is not
 * always the correctly rounded one Java computes: about one value in six differs in the last bit.
 *
 * <p>Only for contiguous float32 arrays in CPU memory that the engine hands out as direct buffers over
 * the array itself (DJL's PyTorch {@code toByteBuffer(true)}); {@link #supports} says when, and the caller
 * otherwise keeps the libtorch form. The gradient is read, and zeroed only where its buffer writes through.
 */
final class FusedAdam {
    /** Floats per chunk: the chunk arrays (16 KiB each) stay in the L1/L2 caches while a loop runs. */
    private static final int CHUNK = 4096;
    private static final float[] ZEROS = new float[CHUNK];

    private final float b1;
    private final float b2;
    private final float oneMinusB1;
    private final float oneMinusB2;
    private final float eps;
    private final float[] p = new float[CHUNK];
    private final float[] g = new float[CHUNK];
    private final float[] m = new float[CHUNK];
    private final float[] v = new float[CHUNK];
    private final float[] s = new float[CHUNK];

    FusedAdam(double b1, double b2, double eps) {
        // The same float32 values ParameterUpdater.scalar makes for the libtorch form.
        this.b1 = (float) b1;
        this.b2 = (float) b2;
        this.oneMinusB1 = (float) (1 - b1);
        this.oneMinusB2 = (float) (1 - b2);
        this.eps = (float) eps;
    }

    /**
     * Whether every array is float32 in CPU memory on the PyTorch engine, and the arrays this class writes
     * (parameters, moments, scratch) are contiguous, so their buffers are the arrays' own memory.
     */
    static boolean supports(List<NDArray> written) {
        for (NDArray a : written) {
            if (!a.getDevice().equals(Device.cpu()) || a.getDataType() != DataType.FLOAT32
                    || !"PyTorch".equals(a.getManager().getEngine().getEngineName()) || !writesThrough(a)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether a write into the array's direct buffer reaches the array: probes the first element (restored
     * afterwards), since the engine silently hands out a copy for a non-contiguous array.
     */
    private static boolean writesThrough(NDArray a) {
        if (a.size() == 0) {
            return false;
        }
        FloatBuffer b = view(a);
        float old = b.get(0);
        float probe = Float.isNaN(old) || old == 0f ? 1f : -old;
        b.put(0, probe);
        float seen;
        try (NDArray first = a.get(0L)) {
            seen = first.toFloatArray()[0];
        }
        b.put(0, old);
        return Float.floatToRawIntBits(seen) == Float.floatToRawIntBits(probe);
    }

    private static FloatBuffer view(NDArray a) {
        ByteBuffer bytes = a.toByteBuffer(true);
        return bytes.order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    /**
     * One step: head k's block of every array uses {@code c2[k]} (bias correction of the second moment)
     * and {@code rate[k]} (learning rate over the first moment's correction; 0 for a head that sits out).
     * {@code scratch.get(i)} is a contiguous array shaped like parameter i; its contents are overwritten.
     * With {@code zeroGradients} the gradients are set to +0 once read (they must write through, see
     * {@link #supports}): one write instead of a separate libtorch pass that subtracts each from itself.
     */
    void update(List<NDArray> params, List<NDArray> grads, List<NDArray> ms, List<NDArray> vs, List<NDArray> scratch,
            double[] c2, double[] rate, boolean zeroGradients) {
        int heads = c2.length;
        for (int i = 0; i < params.size(); i++) {
            FloatBuffer pb = view(params.get(i));
            FloatBuffer gb = view(grads.get(i));
            FloatBuffer mb = view(ms.get(i));
            FloatBuffer vb = view(vs.get(i));
            FloatBuffer sb = view(scratch.get(i));
            int n = pb.capacity();
            if (gb.capacity() != n || mb.capacity() != n || vb.capacity() != n || sb.capacity() != n || n % heads != 0) {
                throw new IllegalStateException("Adam: parameter " + i + " has " + n + " values, gradient " + gb.capacity()
                        + ", moments " + mb.capacity() + "/" + vb.capacity() + ", scratch " + sb.capacity() + ", for "
                        + heads + " heads");
            }
            int block = n / heads;
            for (int k = 0; k < heads; k++) {
                float c = (float) c2[k];
                int end = (k + 1) * block;
                for (int off = k * block; off < end; off += CHUNK) {
                    int len = Math.min(CHUNK, end - off);
                    gb.get(off, g, 0, len);
                    mb.get(off, m, 0, len);
                    vb.get(off, v, 0, len);
                    moments(len, c);
                    mb.put(off, m, 0, len);
                    vb.put(off, v, 0, len);
                    sb.put(off, s, 0, len);
                    if (zeroGradients) {
                        gb.put(off, ZEROS, 0, len);
                    }
                }
            }
            try (NDArray root = scratch.get(i).sqrt()) {
                FloatBuffer rb = view(root);
                for (int k = 0; k < heads; k++) {
                    float r = (float) rate[k];
                    int end = (k + 1) * block;
                    for (int off = k * block; off < end; off += CHUNK) {
                        int len = Math.min(CHUNK, end - off);
                        pb.get(off, p, 0, len);
                        mb.get(off, m, 0, len);
                        rb.get(off, s, 0, len);
                        step(len, r);
                        pb.put(off, p, 0, len);
                    }
                }
            }
        }
    }

    /** {@code v ← v·β2 + (g·g)·(1−β2); m ← m·β1 + g·(1−β1); s ← v / c2}. */
    private void moments(int len, float c2) {
        float[] g = this.g;
        float[] m = this.m;
        float[] v = this.v;
        float[] s = this.s;
        for (int j = 0; j < len; j++) {
            float gj = g[j];
            float vj = v[j] * b2 + (gj * gj) * oneMinusB2;
            v[j] = vj;
            m[j] = m[j] * b1 + gj * oneMinusB1;
            s[j] = vj / c2;
        }
    }

    /** {@code w ← w − (m / (root + ε))·r}, the root in {@code s}. */
    private void step(int len, float rate) {
        float[] p = this.p;
        float[] m = this.m;
        float[] s = this.s;
        for (int j = 0; j < len; j++) {
            p[j] = p[j] - (m[j] / (s[j] + eps)) * rate;
        }
    }
}
