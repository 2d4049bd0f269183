package dev.regula.transfer.train;

import dev.regula.transfer.features.FeatureMatrix;
import java.util.SplittableRandom;

/** Small generated data sets for head tests. */
public final class TestData {
    private TestData() {}

    /** Gaussian blobs: class k centred at 3·e_k (first {@code classes} coordinates), unit noise. */
    public static FeatureMatrix blobs(long seed, int n, int d, int classes) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[][] x = new float[n][d];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % classes;
            for (int j = 0; j < d; j++) {
                x[i][j] = (float) gauss(rng);
            }
            x[i][y[i] % d] += 3f;
        }
        return FeatureMatrix.of(x, y);
    }

    /**
     * Binary data with {@code informative} useful features (label shifts their mean by ±shift)
     * followed by pure-noise features.
     */
    public static FeatureMatrix sparseSignal(long seed, int n, int d, int informative, double shift) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[][] x = new float[n][d];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = rng.nextInt(2);
            for (int j = 0; j < d; j++) {
                x[i][j] = (float) gauss(rng);
                if (j < informative) {
                    x[i][j] += (float) (y[i] == 1 ? shift : -shift);
                }
            }
        }
        return FeatureMatrix.of(x, y);
    }

    /** Pure noise features with random labels. */
    public static FeatureMatrix noise(long seed, int n, int d, int classes) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[][] x = new float[n][d];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = rng.nextInt(classes);
            for (int j = 0; j < d; j++) {
                x[i][j] = (float) gauss(rng);
            }
        }
        return FeatureMatrix.of(x, y);
    }

    static double gauss(SplittableRandom rng) {
        double u1 = 1.0 - rng.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * rng.nextDouble());
    }
}
