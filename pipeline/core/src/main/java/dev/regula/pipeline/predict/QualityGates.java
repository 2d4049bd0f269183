package dev.regula.pipeline.predict;

import dev.regula.ensemble.ClassificationMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * Thresholds on a validated model's figures, shared by {@code regula validate} and the Maven
 * plugin's {@code regula:validate}. A threshold left {@code null} is not checked. A figure that
 * could not be computed (NaN) fails every gate on it: a missing number never passes.
 *
 * @param minAccuracy fail when accuracy is below this
 * @param minMacroF1 fail when macro-F1 is below this
 * @param maxEce fail when the expected calibration error (15 bins) is above this
 * @param maxNll fail when the mean negative log-likelihood is above this
 */
public record QualityGates(Double minAccuracy, Double minMacroF1, Double maxEce, Double maxNll) {
    public static final QualityGates NONE = new QualityGates(null, null, null, null);

    /**
     * A threshold outside the range of its figure (accuracy 1.5, a negative NLL): a gate that could
     * never pass, or always would, is a typo, refused before any model runs.
     *
     * @param key the gate's name ({@code min_accuracy}, ...); front ends render it as their option
     * @param value the threshold given
     * @param expected the range, e.g. "a number in [0, 1]"
     */
    public static final class BadGateException extends IllegalArgumentException {
        private final String key;
        private final double value;
        private final String expected;

        BadGateException(String key, double value, String expected) {
            super(key + " " + value + " is out of range; expected " + expected);
            this.key = key;
            this.value = value;
            this.expected = expected;
        }

        public String key() {
            return key;
        }

        public double value() {
            return value;
        }

        public String expected() {
            return expected;
        }
    }

    public QualityGates {
        fraction("min_accuracy", minAccuracy);
        fraction("min_macro_f1", minMacroF1);
        fraction("max_ece", maxEce);
        if (maxNll != null && !(maxNll >= 0 && maxNll < Double.POSITIVE_INFINITY)) {
            throw new BadGateException("max_nll", maxNll, "a finite number >= 0");
        }
    }

    private static void fraction(String key, Double v) {
        if (v != null && !(v >= 0 && v <= 1)) {
            throw new BadGateException(key, v, "a number in [0, 1] (a fraction: 0.95, not 95)");
        }
    }

    /**
     * The gates {@code metrics} misses, one line each, such as {@code accuracy 0.9012 < min_accuracy 0.95};
     * empty when every set gate passes.
     */
    public List<String> failures(ClassificationMetrics metrics) {
        return failures(metrics, UnaryOperator.identity());
    }

    /**
     * As {@link #failures(ClassificationMetrics)}, naming each gate as its front end spells it:
     * {@code name} maps {@code min_accuracy}, {@code min_macro_f1}, {@code max_ece} and {@code max_nll}
     * to, say, a command-line option or a plugin parameter.
     */
    public List<String> failures(ClassificationMetrics metrics, UnaryOperator<String> name) {
        List<String> failed = new ArrayList<>();
        atLeast(failed, "accuracy", metrics.accuracy(), name.apply("min_accuracy"), minAccuracy);
        atLeast(failed, "macro-F1", metrics.macroF1(), name.apply("min_macro_f1"), minMacroF1);
        atMost(failed, "ECE", metrics.ece(), name.apply("max_ece"), maxEce);
        atMost(failed, "NLL", metrics.nll(), name.apply("max_nll"), maxNll);
        return failed;
    }

    /** The figures every gate reads, on one line. */
    public static String figures(ClassificationMetrics m) {
        return String.format(Locale.ROOT, "accuracy %.4f, macro-F1 %.4f, NLL %.4f, Brier %.4f, ECE %.4f",
                m.accuracy(), m.macroF1(), m.nll(), m.brier(), m.ece());
    }

    private static void atLeast(List<String> failed, String figure, double value, String gate, Double min) {
        if (min != null && !(value >= min)) {
            failed.add(String.format(Locale.ROOT, "%s %.4f < %s %s", figure, value, gate, min));
        }
    }

    private static void atMost(List<String> failed, String figure, double value, String gate, Double max) {
        if (max != null && !(value <= max)) {
            failed.add(String.format(Locale.ROOT, "%s %.4f > %s %s", figure, value, gate, max));
        }
    }
}
