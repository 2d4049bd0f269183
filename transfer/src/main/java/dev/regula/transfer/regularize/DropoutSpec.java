package dev.regula.transfer.regularize;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import java.util.Objects;

/**
 * Dropout of a head: on its input features ({@code input_rate}) and after each hidden layer
 * ({@code rate}). For {@code concrete} the rates are the starting values of the learned rates;
 * {@code variational} replaces every dense layer by a {@link VariationalDense} and ignores the rates.
 *
 * @param kind none | standard | gaussian | concrete | variational
 * @param rate drop rate after hidden layers, in [0, 1)
 * @param inputRate drop rate on the input features, in [0, 1)
 * @param temperature concrete relaxation temperature (default 0.1)
 * @param weightReg concrete {@code weight_reg} (default 1e-6)
 * @param dropoutReg concrete {@code dropout_reg} (default 1e-5)
 * @param pruneThreshold variational log α above which a weight is pruned (default 3)
 * @param klWeight variational multiplier of KL / n_train in the loss (default 1)
 */
public record DropoutSpec(
        @JsonProperty("kind") Kind kind,
        @JsonProperty("rate") double rate,
        @JsonProperty("input_rate") double inputRate,
        @JsonProperty("temperature") Double temperature,
        @JsonProperty("weight_reg") Double weightReg,
        @JsonProperty("dropout_reg") Double dropoutReg,
        @JsonProperty("prune_threshold") Double pruneThreshold,
        @JsonProperty("kl_weight") Double klWeight) {

    /** Dropout families; {@code concrete} and {@code variational} adapt their rates to the data. */
    public enum Kind {
        NONE, STANDARD, GAUSSIAN, CONCRETE, VARIATIONAL;

        @JsonValue
        public String yamlName() {
            return name().toLowerCase(Locale.ROOT);
        }

        @JsonCreator
        public static Kind of(String name) {
            for (Kind k : values()) {
                if (k.yamlName().equals(name)) {
                    return k;
                }
            }
            throw new IllegalArgumentException("dropout.kind: unknown value '" + name
                    + "', expected one of [none, standard, gaussian, concrete, variational]");
        }
    }

    public DropoutSpec {
        kind = kind == null ? Kind.NONE : kind;
        checkRate("dropout.rate", rate);
        checkRate("dropout.input_rate", inputRate);
        temperature = temperature == null ? 0.1 : temperature;
        weightReg = weightReg == null ? 1e-6 : weightReg;
        dropoutReg = dropoutReg == null ? 1e-5 : dropoutReg;
        pruneThreshold = pruneThreshold == null ? 3.0 : pruneThreshold;
        klWeight = klWeight == null ? 1.0 : klWeight;
        if (!(temperature > 0)) {
            throw new IllegalArgumentException("dropout.temperature must be > 0, got " + temperature);
        }
        if (!(weightReg >= 0) || !(dropoutReg >= 0) || !(klWeight >= 0)) {
            throw new IllegalArgumentException("dropout.weight_reg, dropout_reg and kl_weight must be >= 0, got "
                    + weightReg + ", " + dropoutReg + ", " + klWeight);
        }
        if (!Double.isFinite(pruneThreshold)) {
            throw new IllegalArgumentException("dropout.prune_threshold must be finite, got " + pruneThreshold);
        }
        if (kind == Kind.CONCRETE && (rate == 0 && inputRate == 0)) {
            throw new IllegalArgumentException("dropout.kind concrete needs a starting rate in (0, 1) in rate and/or input_rate, got 0 and 0");
        }
    }

    private static void checkRate(String key, double r) {
        if (!(r >= 0 && r < 1)) {
            throw new IllegalArgumentException(key + " must be in [0, 1), got " + r);
        }
    }

    /** No dropout. */
    public static DropoutSpec none() {
        return new DropoutSpec(Kind.NONE, 0, 0, null, null, null, null, null);
    }

    /** The given kind with default tuning constants. */
    public static DropoutSpec of(Kind kind, double rate, double inputRate) {
        return new DropoutSpec(kind, rate, inputRate, null, null, null, null, null);
    }

    /** Builds the dropout for one site with starting rate {@code p} (NONE when p is 0 or the kind has no site dropout). */
    public DropoutLayer site(ai.djl.ndarray.NDManager manager, double p) {
        Objects.requireNonNull(manager, "manager");
        if (p == 0) {
            return DropoutLayer.NONE;
        }
        return switch (kind) {
            case NONE, VARIATIONAL -> DropoutLayer.NONE;
            case STANDARD -> new StandardDropout(p);
            case GAUSSIAN -> new GaussianDropout(p);
            case CONCRETE -> new ConcreteDropout(manager, p, temperature, weightReg, dropoutReg);
        };
    }
}
