package dev.regula.pipeline.run;

/** Classification figures of predicted probabilities against true labels. */
final class Metrics {
    static final int ECE_BINS = 15;

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

    static double accuracy(float[][] p, int[] y) {
        int ok = 0;
        for (int i = 0; i < y.length; i++) {
            if (argmax(p[i]) == y[i]) {
                ok++;
            }
        }
        return y.length == 0 ? Double.NaN : (double) ok / y.length;
    }

    /** Unweighted mean of per-class F1 over the classes that occur in {@code y} or in the predictions. */
    static double macroF1(float[][] p, int[] y, int classes) {
        long[] tp = new long[classes];
        long[] fp = new long[classes];
        long[] fn = new long[classes];
        for (int i = 0; i < y.length; i++) {
            int pred = argmax(p[i]);
            if (pred == y[i]) {
                tp[pred]++;
            } else {
                fp[pred]++;
                fn[y[i]]++;
            }
        }
        double sum = 0;
        int present = 0;
        for (int c = 0; c < classes; c++) {
            if (tp[c] + fp[c] + fn[c] == 0) {
                continue;
            }
            present++;
            sum += 2.0 * tp[c] / (2.0 * tp[c] + fp[c] + fn[c]);
        }
        return present == 0 ? Double.NaN : sum / present;
    }

    /** Mean negative log-likelihood of the true class, probabilities clamped at 1e-12. */
    static double nll(float[][] p, int[] y) {
        double s = 0;
        for (int i = 0; i < y.length; i++) {
            s -= Math.log(Math.max(p[i][y[i]], 1e-12));
        }
        return s / y.length;
    }

    /** Expected calibration error over {@value #ECE_BINS} equal-width confidence bins. */
    static double ece(float[][] p, int[] y) {
        double[] conf = new double[ECE_BINS];
        double[] correct = new double[ECE_BINS];
        int[] count = new int[ECE_BINS];
        for (int i = 0; i < y.length; i++) {
            int pred = argmax(p[i]);
            double c = p[i][pred];
            int bin = Math.min(ECE_BINS - 1, (int) (c * ECE_BINS));
            conf[bin] += c;
            correct[bin] += pred == y[i] ? 1 : 0;
            count[bin]++;
        }
        double e = 0;
        for (int b = 0; b < ECE_BINS; b++) {
            if (count[b] > 0) {
                e += Math.abs(correct[b] - conf[b]) / y.length;
            }
        }
        return e;
    }

    /** Per confidence bin (only non-empty ones): bin range, count, mean confidence and accuracy; for reliability plots. */
    static java.util.List<java.util.Map<String, Object>> calibrationBins(float[][] p, int[] y) {
        double[] conf = new double[ECE_BINS];
        double[] correct = new double[ECE_BINS];
        int[] count = new int[ECE_BINS];
        for (int i = 0; i < y.length; i++) {
            int pred = argmax(p[i]);
            int bin = Math.min(ECE_BINS - 1, (int) (p[i][pred] * ECE_BINS));
            conf[bin] += p[i][pred];
            correct[bin] += pred == y[i] ? 1 : 0;
            count[bin]++;
        }
        java.util.List<java.util.Map<String, Object>> out = new java.util.ArrayList<>();
        for (int b = 0; b < ECE_BINS; b++) {
            if (count[b] > 0) {
                out.add(java.util.Map.of("from", (double) b / ECE_BINS, "to", (double) (b + 1) / ECE_BINS, "count", count[b],
                        "confidence", conf[b] / count[b], "accuracy", correct[b] / count[b]));
            }
        }
        return out;
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
