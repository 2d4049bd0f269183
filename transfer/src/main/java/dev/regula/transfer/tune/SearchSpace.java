package dev.regula.transfer.tune;

import dev.regula.transfer.head.HeadSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The knobs a search varies, in declared order, each with its range. The declared order matters: it is
 * the order of the lexicographic "most regularized" comparison of the one-SE rule (see
 * {@link Selection}) and of the parameters in every trial record.
 *
 * @param dims one entry per knob, no knob twice
 */
public record SearchSpace(List<Dim> dims) {

    /** One searched knob and its range. */
    public record Dim(Knob knob, Range range) {
        public Dim {
            Objects.requireNonNull(knob, "knob");
            Objects.requireNonNull(range, "range");
            if (range instanceof Range.Choice c) {
                c.values().forEach(knob::check);
            } else if (range instanceof Range.LogUniform r) {
                knob.check(r.lo());
                knob.check(r.hi());
            } else if (range instanceof Range.Uniform r) {
                knob.check(r.lo());
                knob.check(r.hi());
            } else if (!knob.isPenalty()) {
                throw new IllegalArgumentException(knob.path() + ": a path sweeps a penalty strength (l1, l2, "
                        + "elastic_net.alpha), not " + knob.path());
            }
        }
    }

    public SearchSpace {
        dims = List.copyOf(dims);
        if (dims.isEmpty()) {
            throw new IllegalArgumentException("search space: expected at least one knob to search, got none");
        }
        Set<Knob> seen = new HashSet<>();
        int paths = 0;
        for (Dim d : dims) {
            if (!seen.add(d.knob())) {
                throw new IllegalArgumentException(d.knob().path() + ": searched twice");
            }
            if (d.range() instanceof Range.Path) {
                paths++;
            }
        }
        if (paths > 1) {
            throw new IllegalArgumentException("search space: at most one knob may be a path, got " + paths);
        }
    }

    /** A space of the given dims. */
    public static SearchSpace of(Dim... dims) {
        return new SearchSpace(List.of(dims));
    }

    /** Checks every knob against the head kind. */
    public void checkApplies(HeadSpec head) {
        for (Dim d : dims) {
            d.knob().checkApplies(head);
            if (d.range() instanceof Range.Path && head.kind() != HeadSpec.Kind.LINEAR) {
                throw new IllegalArgumentException(d.knob().path() + ": a regularization path needs a linear head (convex "
                        + "problem, warm starts along λ), this head is " + head.kind().yamlName());
            }
        }
    }

    /** The knobs, in declared order. */
    public List<Knob> knobs() {
        List<Knob> out = new ArrayList<>();
        dims.forEach(d -> out.add(d.knob()));
        return out;
    }

    /** The path dim, or null. */
    public Dim path() {
        return dims.stream().filter(d -> d.range() instanceof Range.Path).findFirst().orElse(null);
    }

    /** Whether every dim is a finite choice (then halving searches the full grid). */
    public boolean allChoices() {
        return dims.stream().allMatch(d -> d.range() instanceof Range.Choice);
    }

    /**
     * The space searched for {@code regularization: auto}, small enough for a few minutes on two cores
     * with a few thousand rows and five folds.
     *
     * <ul>
     *   <li>{@code linear}: an L2 path of 30 strengths (like {@code LogisticRegressionCV(Cs=30)}; λ_max
     *       as glmnet for a ridge path, see {@link dev.regula.transfer.tune.path.RegularizationPath}),
     *       strategy {@code path}.
     *   <li>{@code mlp}: {@code dropout.rate} in {0, 0.25, 0.5} × {@code weight_decay} in
     *       {1e-4, 1e-3, 1e-2, 1e-1} × {@code dropout.input_rate} in {0, 0.2}: 24 configurations,
     *       strategy {@code halving} (about a third of the epochs of the full grid).
     * </ul>
     */
    public static SearchSpace defaultFor(HeadSpec head) {
        return switch (head.kind()) {
            case LINEAR -> of(new Dim(Knob.L2, new Range.Path(30)));
            case MLP -> of(
                    new Dim(Knob.DROPOUT_RATE, new Range.Choice(List.of(0.0, 0.25, 0.5))),
                    new Dim(Knob.WEIGHT_DECAY, new Range.Choice(List.of(1e-4, 1e-3, 1e-2, 1e-1))),
                    new Dim(Knob.DROPOUT_INPUT_RATE, new Range.Choice(List.of(0.0, 0.2))));
        };
    }

    /** The strategy that suits {@link #defaultFor}'s space of this head kind. */
    public static TuneSpec.Strategy defaultStrategy(HeadSpec head) {
        return head.kind() == HeadSpec.Kind.LINEAR ? TuneSpec.Strategy.PATH : TuneSpec.Strategy.HALVING;
    }
}
