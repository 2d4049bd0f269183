package dev.regula.transfer.regularize;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * Early stopping: stop when the metric has not improved by more than {@code min_delta} for
 * {@code patience} epochs, then restore the weights of the best epoch.
 *
 * @param metric val_loss (lower is better) | val_accuracy | val_macro_f1 (higher is better)
 * @param patience epochs without improvement before stopping, >= 1
 * @param minDelta smallest change that counts as an improvement, >= 0
 */
public record EarlyStoppingSpec(
        @JsonProperty("metric") Metric metric,
        @JsonProperty("patience") int patience,
        @JsonProperty("min_delta") double minDelta) {

    /** Validation metric watched by early stopping. */
    public enum Metric {
        VAL_LOSS, VAL_ACCURACY, VAL_MACRO_F1;

        @JsonValue
        public String yamlName() {
            return name().toLowerCase(Locale.ROOT);
        }

        @JsonCreator
        public static Metric of(String name) {
            for (Metric m : values()) {
                if (m.yamlName().equals(name)) {
                    return m;
                }
            }
            throw new IllegalArgumentException("early_stopping.metric: unknown value '" + name
                    + "', expected one of [val_loss, val_accuracy, val_macro_f1]");
        }

        public boolean lowerIsBetter() {
            return this == VAL_LOSS;
        }
    }

    public EarlyStoppingSpec {
        metric = metric == null ? Metric.VAL_LOSS : metric;
        if (patience < 1) {
            throw new IllegalArgumentException("early_stopping.patience must be >= 1, got " + patience);
        }
        if (!(minDelta >= 0)) {
            throw new IllegalArgumentException("early_stopping.min_delta must be >= 0, got " + minDelta);
        }
    }

    /** Whether {@code candidate} beats {@code best} by more than min_delta. */
    public boolean improves(double candidate, double best) {
        return metric.lowerIsBetter() ? candidate < best - minDelta : candidate > best + minDelta;
    }
}
