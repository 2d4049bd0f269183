package dev.regula.transfer.tune;

import dev.regula.models.EditDistance;
import dev.regula.transfer.head.HeadSpec;
import dev.regula.transfer.regularize.DropoutSpec;
import dev.regula.transfer.regularize.RegularizationSpec;
import dev.regula.transfer.train.TrainingSpec;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Locale;

/**
 * A tunable setting: a named path into a head's {@link RegularizationSpec} or {@link TrainingSpec},
 * spelled as in YAML ({@code elastic_net.alpha}, {@code dropout.rate}, ...).
 *
 * <p>{@link #direction()} says which way is "more regularized": {@code +1} when a larger value
 * regularizes more (penalties, decay, dropout, smoothing), {@code -1} when a smaller one does
 * ({@code max_norm}: a tighter bound), {@code 0} when the knob is not ordered that way
 * ({@code learning_rate}, {@code elastic_net.l1_ratio}, which trades one penalty for another). The
 * one-SE rule and the verdicts only order trials by knobs with a direction.
 */
public enum Knob {
    L1("l1", +1, 0, Double.POSITIVE_INFINITY, false),
    L2("l2", +1, 0, Double.POSITIVE_INFINITY, false),
    ELASTIC_NET_ALPHA("elastic_net.alpha", +1, 0, Double.POSITIVE_INFINITY, false),
    ELASTIC_NET_L1_RATIO("elastic_net.l1_ratio", 0, 0, 1, false),
    WEIGHT_DECAY("weight_decay", +1, 0, Double.POSITIVE_INFINITY, false),
    DROPOUT_RATE("dropout.rate", +1, 0, 1, true),
    DROPOUT_INPUT_RATE("dropout.input_rate", +1, 0, 1, true),
    MAX_NORM("max_norm", -1, 0, Double.POSITIVE_INFINITY, true),
    LABEL_SMOOTHING("label_smoothing", +1, 0, 1, true),
    LEARNING_RATE("learning_rate", 0, 0, Double.POSITIVE_INFINITY, true);

    private final String path;
    private final int direction;
    private final double min;
    private final double max;
    private final boolean maxOrMinExclusive;

    Knob(String path, int direction, double min, double max, boolean exclusive) {
        this.path = path;
        this.direction = direction;
        this.min = min;
        this.max = max;
        this.maxOrMinExclusive = exclusive;
    }

    /** The YAML path, e.g. {@code dropout.rate}. */
    public String path() {
        return path;
    }

    /** +1: larger regularizes more; -1: smaller regularizes more; 0: not ordered. */
    public int direction() {
        return direction;
    }

    /** Whether the knob has a "more regularized" direction. */
    public boolean ordered() {
        return direction != 0;
    }

    /** Finds a knob by its YAML path; unknown paths fail with the closest known one suggested. */
    public static Knob of(String path) {
        for (Knob k : values()) {
            if (k.path.equals(path)) {
                return k;
            }
        }
        String closest = Arrays.stream(values()).map(Knob::path)
                .min(Comparator.comparingInt(p -> EditDistance.between(p, path))).orElseThrow();
        String hint = EditDistance.between(closest, path) <= 3 ? " (did you mean '" + closest + "'?)" : "";
        throw new IllegalArgumentException("unknown tunable key '" + path + "'" + hint + ", expected one of "
                + Arrays.stream(values()).map(Knob::path).toList());
    }

    /**
     * Checks that {@code v} is a legal value of this knob, naming the knob and the range otherwise.
     * Rates and smoothing live in [0, 1); max_norm and learning_rate must be > 0; penalties >= 0.
     */
    public void check(double v) {
        boolean ok = Double.isFinite(v) && v >= min && v <= max;
        if (maxOrMinExclusive) {
            ok &= this == MAX_NORM || this == LEARNING_RATE ? v > min : v < max;
        }
        if (!ok) {
            String expected = switch (this) {
                case DROPOUT_RATE, DROPOUT_INPUT_RATE, LABEL_SMOOTHING -> "a number in [0, 1)";
                case ELASTIC_NET_L1_RATIO -> "a number in [0, 1]";
                case MAX_NORM, LEARNING_RATE -> "a finite number > 0";
                default -> "a finite number >= 0";
            };
            throw new IllegalArgumentException(path + ": expected " + expected + ", got " + v);
        }
    }

    /** Checks that the knob means something for this head. */
    public void checkApplies(HeadSpec head) {
        if (this == DROPOUT_RATE && head.kind() == HeadSpec.Kind.LINEAR) {
            throw new IllegalArgumentException(path + ": a linear head has no hidden layer to drop out after; tune "
                    + "dropout.input_rate or a penalty instead");
        }
    }

    /** The value of this knob in a head's configuration (0 for an absent part, null for an absent max_norm). */
    public Double read(RegularizationSpec reg, TrainingSpec training) {
        return switch (this) {
            case L1 -> reg.l1();
            case L2 -> reg.l2();
            case ELASTIC_NET_ALPHA -> reg.elasticNet() == null ? 0.0 : reg.elasticNet().alpha();
            case ELASTIC_NET_L1_RATIO -> reg.elasticNet() == null ? null : reg.elasticNet().l1Ratio();
            case WEIGHT_DECAY -> reg.weightDecay();
            case DROPOUT_RATE -> reg.dropout().kind() == DropoutSpec.Kind.NONE ? 0.0 : reg.dropout().rate();
            case DROPOUT_INPUT_RATE -> reg.dropout().kind() == DropoutSpec.Kind.NONE ? 0.0 : reg.dropout().inputRate();
            case MAX_NORM -> reg.maxNorm();
            case LABEL_SMOOTHING -> reg.labelSmoothing();
            case LEARNING_RATE -> training.learningRate();
        };
    }

    /**
     * {@code reg} with this knob set to {@code v}. Setting {@code elastic_net.alpha} on a spec without
     * elastic net uses l1_ratio 0.5; setting {@code l1_ratio} without one uses alpha 0 until alpha is set.
     * Setting a dropout rate on a spec without dropout turns on {@code standard} dropout.
     */
    public RegularizationSpec apply(RegularizationSpec reg, double v) {
        check(v);
        RegularizationSpec.Builder b = reg.toBuilder();
        DropoutSpec d = reg.dropout();
        DropoutSpec.Kind kind = d.kind() == DropoutSpec.Kind.NONE ? DropoutSpec.Kind.STANDARD : d.kind();
        return switch (this) {
            case L1 -> b.l1(v).build();
            case L2 -> b.l2(v).build();
            case ELASTIC_NET_ALPHA -> b.elasticNet(v, reg.elasticNet() == null ? 0.5 : reg.elasticNet().l1Ratio()).build();
            case ELASTIC_NET_L1_RATIO -> b.elasticNet(reg.elasticNet() == null ? 0 : reg.elasticNet().alpha(), v).build();
            case WEIGHT_DECAY -> b.weightDecay(v).build();
            case DROPOUT_RATE -> b.dropout(new DropoutSpec(kind, v, d.inputRate(), d.temperature(), d.weightReg(),
                    d.dropoutReg(), d.pruneThreshold(), d.klWeight())).build();
            case DROPOUT_INPUT_RATE -> b.dropout(new DropoutSpec(kind, d.rate(), v, d.temperature(), d.weightReg(),
                    d.dropoutReg(), d.pruneThreshold(), d.klWeight())).build();
            case MAX_NORM -> b.maxNorm(v).build();
            case LABEL_SMOOTHING -> b.labelSmoothing(v).build();
            case LEARNING_RATE -> reg;
        };
    }

    /** {@code training} with this knob set to {@code v} (only {@code learning_rate} lives there). */
    public TrainingSpec apply(TrainingSpec t, double v) {
        if (this != LEARNING_RATE) {
            return t;
        }
        check(v);
        return new TrainingSpec(t.optimizer(), v, t.momentum(), t.beta1(), t.beta2(), t.adamEpsilon(), t.schedule(),
                t.warmupSteps(), t.stepEpochs(), t.gamma(), t.batchSize(), t.epochs(), t.device(), t.seed());
    }

    /** Whether this is a penalty strength of the loss (the kinds a regularization path can sweep). */
    public boolean isPenalty() {
        return this == L1 || this == L2 || this == ELASTIC_NET_ALPHA;
    }

    @Override
    public String toString() {
        return path.toLowerCase(Locale.ROOT);
    }
}
