package dev.regula.transfer.head;

import java.util.Objects;

/**
 * One dense layer's weights as plain Java arrays, in the layout of DJL's {@code Linear} and ONNX
 * {@code Gemm} with {@code transB=1}: {@code y = x·Wᵀ + b}.
 *
 * @param w weights {@code [out][in]}: row {@code o} is unit {@code o}'s incoming weight vector
 * @param b bias {@code [out]}
 */
public record LayerWeights(float[][] w, float[] b) {
    public LayerWeights {
        Objects.requireNonNull(w, "w");
        Objects.requireNonNull(b, "b");
        if (w.length != b.length || w.length == 0) {
            throw new IllegalArgumentException("layer has " + w.length + " weight rows and " + b.length + " biases, expected equal and > 0");
        }
        for (int o = 1; o < w.length; o++) {
            if (w[o].length != w[0].length) {
                throw new IllegalArgumentException("weight row " + o + " has " + w[o].length + " inputs, expected " + w[0].length);
            }
        }
    }

    public int out() {
        return w.length;
    }

    public int in() {
        return w[0].length;
    }

    /** Row-major copy of {@code w}, {@code out*in} floats. */
    public float[] flatW() {
        float[] f = new float[out() * in()];
        for (int o = 0; o < out(); o++) {
            System.arraycopy(w[o], 0, f, o * in(), in());
        }
        return f;
    }

    /** Builds a layer from a row-major {@code [out, in]} array. */
    public static LayerWeights ofFlat(float[] flat, int out, int in, float[] b) {
        float[][] w = new float[out][in];
        for (int o = 0; o < out; o++) {
            System.arraycopy(flat, o * in, w[o], 0, in);
        }
        return new LayerWeights(w, b.clone());
    }

    /** L2 (Frobenius) norm of the weights, bias excluded. */
    public double weightL2Norm() {
        double s = 0;
        for (float[] row : w) {
            for (float v : row) {
                s += (double) v * v;
            }
        }
        return Math.sqrt(s);
    }
}
