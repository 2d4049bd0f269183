package dev.regula.transfer.train;

/**
 * Classification metrics from probabilities.
 *
 * @param loss mean negative log-likelihood (no smoothing, no class weights)
 * @param accuracy fraction of rows whose argmax is the label
 * @param macroF1 F1 averaged over the classes that occur in the labels or the predictions
 */
public record Metrics(double loss, double accuracy, double macroF1) {

    /** Computes the metrics of row-major probabilities {@code [n][C]} against labels. */
    public static Metrics of(float[][] proba, int[] labels) {
        return of(proba, labels, null);
    }

    /**
     * As {@link #of(float[][], int[])} with a weight per row counted as its multiplicity (bootstrap
     * counts: the metrics of the resample), or null for all ones.
     */
    public static Metrics of(float[][] proba, int[] labels, float[] weights) {
        int n = labels.length;
        if (n == 0) {
            return new Metrics(Double.NaN, Double.NaN, Double.NaN);
        }
        int c = proba[0].length;
        double[] tp = new double[c];
        double[] predicted = new double[c];
        double[] actual = new double[c];
        double nll = 0;
        double correct = 0;
        double total = 0;
        for (int i = 0; i < n; i++) {
            double w = weights == null ? 1 : weights[i];
            if (w == 0) {
                continue;
            }
            int arg = argmax(proba[i]);
            nll -= w * Math.log(Math.max(proba[i][labels[i]], 1e-12));
            predicted[arg] += w;
            actual[labels[i]] += w;
            total += w;
            if (arg == labels[i]) {
                correct += w;
                tp[arg] += w;
            }
        }
        double f1 = 0;
        int counted = 0;
        for (int k = 0; k < c; k++) {
            if (predicted[k] + actual[k] == 0) {
                continue;
            }
            f1 += 2.0 * tp[k] / (predicted[k] + actual[k]);
            counted++;
        }
        return new Metrics(nll / total, correct / total, f1 / counted);
    }

    /** The index of the largest probability; the first one on ties. */
    public static int argmax(float[] p) {
        int best = 0;
        for (int k = 1; k < p.length; k++) {
            if (p[k] > p[best]) {
                best = k;
            }
        }
        return best;
    }
}
