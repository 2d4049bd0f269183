package dev.regula.models.quant;

import java.util.Locale;

/** How an activation's observed values become its quantization range. */
public enum CalibrationMethod {
    /** The smallest and largest value seen over all calibration batches. */
    MINMAX,
    /**
     * Per batch, the (100 - p)th and pth percentiles (p = 99.99 by default), averaged over batches:
     * clips rare outliers so the bulk of values gets finer steps.
     */
    PERCENTILE;

    /** The spec's spelling: {@code minmax} or {@code percentile}. */
    public String spelling() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code minmax} / {@code percentile}; the error names the value and what was expected. */
    public static CalibrationMethod parse(String s) {
        for (CalibrationMethod m : values()) {
            if (m.spelling().equals(s)) {
                return m;
            }
        }
        String near = dev.regula.models.EditDistance.between(String.valueOf(s), "minmax")
                <= dev.regula.models.EditDistance.between(String.valueOf(s), "percentile") ? "minmax" : "percentile";
        throw new IllegalArgumentException("unknown calibration method '" + s + "', expected minmax or percentile"
                + " (did you mean '" + near + "'?)");
    }
}
