package dev.regula.ensemble;

import dev.regula.transfer.train.Metrics;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.List;

/**
 * Test-split quality of one probability matrix.
 *
 * @param accuracy fraction of rows whose argmax is the label
 * @param macroF1 unweighted mean F1 over classes that occur in the labels or the predictions
 * @param nll mean negative log-likelihood (probabilities floored at 1e-12)
 * @param brier mean over rows of Σ_c (p_c − 1[y = c])²
 * @param ece expected calibration error over {@link #BINS} equal-width confidence bins
 * @param reliability per bin: count, mean confidence, accuracy (empty bins have count 0 and NaN-free zeros)
 */
public record ClassificationMetrics(
        @JsonProperty("accuracy") double accuracy,
        @JsonProperty("macro_f1") double macroF1,
        @JsonProperty("nll") double nll,
        @JsonProperty("brier") double brier,
        @JsonProperty("ece") double ece,
        @JsonProperty("reliability") List<Bin> reliability) {

    public static final int BINS = 15;

    /** One reliability-diagram bin covering confidences in ({@code lower}, {@code upper}]. */
    public record Bin(
            @JsonProperty("lower") double lower,
            @JsonProperty("upper") double upper,
            @JsonProperty("count") int count,
            @JsonProperty("mean_confidence") double meanConfidence,
            @JsonProperty("accuracy") double accuracy) {}

    public ClassificationMetrics {
        reliability = List.copyOf(reliability);
    }

    /** Metrics of {@code p [N][C]} against {@code y}; N must be > 0. */
    public static ClassificationMetrics of(float[][] p, int[] y) throws EnsembleException {
        if (p.length == 0) {
            throw new EnsembleException("metrics: the test split has 0 rows");
        }
        if (p.length != y.length) {
            throw new EnsembleException("metrics: " + p.length + " prediction rows for " + y.length + " labels");
        }
        int n = p.length;
        // accuracy, macro-F1 and NLL are the ones training reports; Brier and ECE are added here
        Metrics base = Metrics.of(p, y);
        double brier = 0;
        int[] binCount = new int[BINS];
        double[] binConf = new double[BINS];
        int[] binCorrect = new int[BINS];
        for (int i = 0; i < n; i++) {
            int hat = Metrics.argmax(p[i]);
            boolean ok = hat == y[i];
            for (int j = 0; j < p[i].length; j++) {
                double d = p[i][j] - (j == y[i] ? 1 : 0);
                brier += d * d;
            }
            double conf = p[i][hat];
            // Bin b holds (b/15, (b+1)/15]; a confidence of exactly 0 cannot occur for an argmax but is clamped into bin 0.
            int b = Math.min(BINS - 1, Math.max(0, (int) Math.ceil(conf * BINS) - 1));
            binCount[b]++;
            binConf[b] += conf;
            binCorrect[b] += ok ? 1 : 0;
        }
        double ece = 0;
        List<Bin> bins = new ArrayList<>();
        for (int b = 0; b < BINS; b++) {
            double meanConf = binCount[b] == 0 ? 0 : binConf[b] / binCount[b];
            double acc = binCount[b] == 0 ? 0 : (double) binCorrect[b] / binCount[b];
            ece += (double) binCount[b] / n * Math.abs(acc - meanConf);
            bins.add(new Bin((double) b / BINS, (double) (b + 1) / BINS, binCount[b], meanConf, acc));
        }
        return new ClassificationMetrics(base.accuracy(), base.macroF1(), base.loss(), brier / n, ece, bins);
    }
}
