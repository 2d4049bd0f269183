package dev.regula.ensemble;

import dev.regula.transfer.features.FeatureMatrix;
import java.util.SplittableRandom;

/** Small generated data and hand-made predictions for ensemble tests. */
public final class Data {
    private Data() {}

    /** Gaussian blobs: class k centred at {@code sep}·e_k, unit noise; labels cycle 0..C-1. */
    public static FeatureMatrix blobs(long seed, int n, int d, int classes, double sep) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[][] x = new float[n][d];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % classes;
            for (int j = 0; j < d; j++) {
                x[i][j] = (float) gauss(rng);
            }
            x[i][y[i] % d] += (float) sep;
        }
        return FeatureMatrix.of(x, y);
    }

    /** Labels cycling 0..C-1. */
    public static int[] labels(int n, int classes) {
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % classes;
        }
        return y;
    }

    /** A member that puts {@code pTrue} on the label with probability {@code acc}, else on a random wrong class. */
    public static float[][] noisyMember(long seed, int[] y, int classes, double acc, float pTrue) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[][] p = new float[y.length][classes];
        for (int i = 0; i < y.length; i++) {
            int hit = rng.nextDouble() < acc ? y[i] : (y[i] + 1 + rng.nextInt(classes - 1)) % classes;
            for (int c = 0; c < classes; c++) {
                p[i][c] = c == hit ? pTrue : (1 - pTrue) / (classes - 1);
            }
        }
        return p;
    }

    static double gauss(SplittableRandom rng) {
        double u1 = 1.0 - rng.nextDouble();
        double u2 = rng.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
}
