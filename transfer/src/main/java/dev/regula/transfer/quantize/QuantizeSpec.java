package dev.regula.transfer.quantize;

import dev.regula.models.quant.CalibrationMethod;
import java.util.Locale;
import java.util.Objects;

/**
 * {@code backbone.quantize} of a spec: how to quantize the imported backbone to int8.
 *
 * @param mode        static (QDQ, calibrated, batches freely) or dynamic (no calibration, one text per call)
 * @param calibration train rows to calibrate on (static only), at least 1; default 256
 * @param method      how activation ranges are taken from the calibration runs (static only)
 * @param percentile  the percentile of {@link CalibrationMethod#PERCENTILE}, in (50, 100]
 * @param weights     static only: one int8 scale per weight column (per_channel, the default) or per tensor
 * @param smooth      static only: SmoothQuant migration strength alpha in [0, 1], or {@code null} for none (the default)
 */
public record QuantizeSpec(Mode mode, int calibration, CalibrationMethod method, double percentile, Weights weights,
                           Double smooth) {
    public static final int DEFAULT_CALIBRATION = 256;
    public static final double DEFAULT_PERCENTILE = 99.99;

    /** Static (calibrated QDQ) or dynamic ({@code DynamicQuantizeLinear}) int8. */
    public enum Mode {
        STATIC, DYNAMIC;

        public String spelling() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Parses {@code static} / {@code dynamic}; the error names the value and what was expected. */
        public static Mode parse(String s) {
            for (Mode m : values()) {
                if (m.spelling().equals(s)) {
                    return m;
                }
            }
            String near = dev.regula.models.EditDistance.between(String.valueOf(s), "static")
                    <= dev.regula.models.EditDistance.between(String.valueOf(s), "dynamic") ? "static" : "dynamic";
            throw new IllegalArgumentException("unknown quantization mode '" + s
                    + "', expected static or dynamic (did you mean '" + near + "'?)");
        }
    }

    /** How int8 weights are scaled. */
    public enum Weights {
        /** One scale per output column: a column of large weights no longer coarsens the others. */
        PER_CHANNEL,
        /** One scale per weight tensor (what ONNX Runtime's quantizer does by default). */
        PER_TENSOR;

        public String spelling() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Parses {@code per_channel} / {@code per_tensor}; the error names the value and what was expected. */
        public static Weights parse(String s) {
            for (Weights w : values()) {
                if (w.spelling().equals(s)) {
                    return w;
                }
            }
            throw new IllegalArgumentException("unknown weight scaling '" + s + "', expected per_channel or per_tensor");
        }
    }

    /** Per-channel weights, no smoothing. */
    public QuantizeSpec(Mode mode, int calibration, CalibrationMethod method, double percentile) {
        this(mode, calibration, method, percentile, Weights.PER_CHANNEL, null);
    }

    public QuantizeSpec {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(weights, "weights");
        if (smooth != null && !(smooth >= 0 && smooth <= 1)) {
            throw new IllegalArgumentException("backbone.quantize.smooth must be in [0, 1], got " + smooth);
        }
        Objects.requireNonNull(method, "method");
        if (calibration < 1) {
            throw new IllegalArgumentException("backbone.quantize.calibration must be >= 1 train rows, got " + calibration);
        }
        if (!(percentile > 50 && percentile <= 100)) {
            throw new IllegalArgumentException("backbone.quantize percentile must be in (50, 100], got " + percentile);
        }
    }

    /** Static, 256 train rows, min-max, per-channel weights. */
    public static QuantizeSpec staticDefaults() {
        return new QuantizeSpec(Mode.STATIC, DEFAULT_CALIBRATION, CalibrationMethod.MINMAX, DEFAULT_PERCENTILE);
    }

    /** Dynamic (calibration and method unused). */
    public static QuantizeSpec dynamic() {
        return new QuantizeSpec(Mode.DYNAMIC, DEFAULT_CALIBRATION, CalibrationMethod.MINMAX, DEFAULT_PERCENTILE);
    }
}
