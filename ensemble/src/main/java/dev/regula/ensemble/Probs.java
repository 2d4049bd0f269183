package dev.regula.ensemble;

/** Small numeric helpers on probability matrices {@code [N][C]}. */
final class Probs {
    /** Probabilities are clamped here before a log, so one confident miss cannot make a loss infinite. */
    static final double EPS = 1e-12;

    private Probs() {}

    /** Mean negative log-likelihood of the true labels. */
    static double nll(float[][] p, int[] y) {
        double s = 0;
        for (int i = 0; i < p.length; i++) {
            s -= Math.log(Math.max(EPS, p[i][y[i]]));
        }
        return s / p.length;
    }

    /** Σ_k w_k p_k over members {@code [K][N][C]}, accumulated in double. */
    static float[][] weighted(float[][][] members, double[] w) {
        int n = members[0].length;
        float[][] out = new float[n][];
        if (n == 0) {
            return out;
        }
        int c = members[0][0].length;
        for (int i = 0; i < n; i++) {
            out[i] = new float[c];
            for (int j = 0; j < c; j++) {
                double s = 0;
                for (int k = 0; k < members.length; k++) {
                    s += w[k] * members[k][i][j];
                }
                out[i][j] = (float) s;
            }
        }
        return out;
    }

    static double[] uniform(int k) {
        double[] w = new double[k];
        java.util.Arrays.fill(w, 1.0 / k);
        return w;
    }
}
