package dev.regula.ensemble;

import dev.regula.transfer.features.FeatureMatrix;
import dev.regula.transfer.head.HeadActivation;
import dev.regula.transfer.head.LayerWeights;
import java.util.List;

/**
 * A head's inference forward pass in plain Java with double accumulation: the reference the
 * exported graph is compared with, and cheap enough to score many candidate soups without
 * opening a native engine per call.
 */
final class Forward {
    private static final double INV_SQRT2 = 1.0 / Math.sqrt(2.0);
    /** Rows pushed through a layer together: independent sums the CPU can overlap. */
    private static final int BLOCK = 4;

    private Forward() {}

    static float[][] proba(List<LayerWeights> layers, HeadActivation activation, FeatureMatrix x) {
        if (x.dim() != layers.get(0).in()) {
            throw new IllegalArgumentException("features have dim " + x.dim() + ", the head expects " + layers.get(0).in());
        }
        float[][] out = new float[x.rows()][];
        double[][] h = new double[BLOCK][];
        for (int i0 = 0; i0 < x.rows(); i0 += BLOCK) {
            int rows = Math.min(BLOCK, x.rows() - i0);
            for (int b = 0; b < rows; b++) {
                h[b] = toDouble(x.row(i0 + b));
            }
            for (int l = 0; l < layers.size(); l++) {
                boolean last = l + 1 == layers.size();
                LayerWeights lw = layers.get(l);
                double[][] z = new double[rows][lw.out()];
                for (int o = 0; o < lw.out(); o++) {
                    if (rows == BLOCK) {
                        dot4(lw.w()[o], lw.b()[o], h, z, o);
                    } else {
                        for (int b = 0; b < rows; b++) {
                            z[b][o] = dot(lw.w()[o], lw.b()[o], h[b]);
                        }
                    }
                    if (!last) {
                        for (int b = 0; b < rows; b++) {
                            z[b][o] = activate(z[b][o], activation);
                        }
                    }
                }
                System.arraycopy(z, 0, h, 0, rows);
            }
            for (int b = 0; b < rows; b++) {
                out[i0 + b] = softmax(h[b]);
            }
        }
        return out;
    }

    /** {@code bias + Σ w[k]·h[k]}, summed in index order. */
    private static double dot(float[] w, float bias, double[] h) {
        double s = bias;
        for (int k = 0; k < w.length; k++) {
            s += w[k] * h[k];
        }
        return s;
    }

    /**
     * {@link #dot} of four rows at once into {@code z[b][o]}: each row's sum keeps the one-row order,
     * so the values are the same bit for bit; the four independent sums only let the CPU overlap them.
     */
    private static void dot4(float[] w, float bias, double[][] h, double[][] z, int o) {
        double[] h0 = h[0];
        double[] h1 = h[1];
        double[] h2 = h[2];
        double[] h3 = h[3];
        double s0 = bias;
        double s1 = bias;
        double s2 = bias;
        double s3 = bias;
        for (int k = 0; k < w.length; k++) {
            double wk = w[k];
            s0 += wk * h0[k];
            s1 += wk * h1[k];
            s2 += wk * h2[k];
            s3 += wk * h3[k];
        }
        z[0][o] = s0;
        z[1][o] = s1;
        z[2][o] = s2;
        z[3][o] = s3;
    }

    private static double activate(double v, HeadActivation a) {
        return switch (a) {
            case RELU -> Math.max(0, v);
            case TANH -> Math.tanh(v);
            case GELU -> 0.5 * v * (1 + Erf.erf(v * INV_SQRT2));
        };
    }

    static float[] softmax(double[] z) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : z) {
            max = Math.max(max, v);
        }
        double sum = 0;
        double[] e = new double[z.length];
        for (int c = 0; c < z.length; c++) {
            e[c] = Math.exp(z[c] - max);
            sum += e[c];
        }
        float[] p = new float[z.length];
        for (int c = 0; c < z.length; c++) {
            p[c] = (float) (e[c] / sum);
        }
        return p;
    }

    private static double[] toDouble(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }
}
