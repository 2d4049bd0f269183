package dev.regula.pipeline.run;

/**
 * The two small figures validate needs beyond {@link dev.regula.ensemble.ClassificationMetrics},
 * which holds accuracy, macro-F1, NLL, Brier and ECE for every report.
 */
final class Metrics {
    private Metrics() {
    }

    static int argmax(float[] p) {
        int best = 0;
        for (int c = 1; c < p.length; c++) {
            if (p[c] > p[best]) {
                best = c;
            }
        }
        return best;
    }

    /** The q-quantile (0..1) of sorted values, nearest rank. */
    static double quantile(double[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
