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

    private Forward() {}

    static float[][] proba(List<LayerWeights> layers, HeadActivation activation, FeatureMatrix x) {
        if (x.dim() != layers.get(0).in()) {
            throw new IllegalArgumentException("features have dim " + x.dim() + ", the head expects " + layers.get(0).in());
        }
        float[][] out = new float[x.rows()][];
        for (int i = 0; i < x.rows(); i++) {
            double[] h = toDouble(x.row(i));
            for (int l = 0; l < layers.size(); l++) {
                LayerWeights lw = layers.get(l);
                double[] z = new double[lw.out()];
                for (int o = 0; o < lw.out(); o++) {
                    double s = lw.b()[o];
                    float[] w = lw.w()[o];
                    for (int k = 0; k < w.length; k++) {
                        s += w[k] * h[k];
                    }
                    z[o] = l + 1 < layers.size() ? activate(s, activation) : s;
                }
                h = z;
            }
            out[i] = softmax(h);
        }
        return out;
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
