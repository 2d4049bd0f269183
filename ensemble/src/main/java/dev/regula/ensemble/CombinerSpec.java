package dev.regula.ensemble;

import java.util.ArrayList;
import java.util.List;

/**
 * One combiner and its options, as a spec names it, and how it is fitted. Defaults: weighted
 * {@code penalty: l2, strength: 0.01}; caruana {@code rounds: 20}; stacking
 * {@code l2: [0.001, 0.01, 0.1, 1], folds: 5} (folds shuffled with the given seed); any kind but
 * auto {@code temperature: false}; auto {@code candidates:} {@link #DEFAULT_CANDIDATES},
 * {@code folds: 5}, {@code rule: one_se}.
 *
 * @param kind one of {@link #KINDS} or {@link #AUTO}
 * @param temperature scale the combined probabilities by a temperature fitted on validation
 * @param candidates for {@code auto}: the combiners it chooses among, else empty
 */
public record CombinerSpec(String kind, WeightedMean.Penalty penalty, double strength, int rounds, double[] l2, int folds,
        boolean temperature, List<CombinerSpec> candidates, CombinerSelection.Rule rule) {
    /** The kinds that fit one combiner. */
    public static final List<String> KINDS = List.of("mean", "weighted", "caruana", "stacking");
    /** The kind that chooses among candidates by cross-validated NLL ({@link CombinerSelection}). */
    public static final String AUTO = "auto";

    public CombinerSpec {
        candidates = List.copyOf(candidates);
    }

    /** {@code kind} with every option at its default. */
    public static CombinerSpec defaults(String kind) {
        return new CombinerSpec(kind, WeightedMean.Penalty.L2, 0.01, 20, new double[] {0.001, 0.01, 0.1, 1}, 5, false,
                kind.equals(AUTO) ? DEFAULT_CANDIDATES : List.of(), CombinerSelection.Rule.ONE_SE);
    }

    /**
     * What {@code auto} chooses among by default: every kind with its defaults, the averages also
     * temperature-scaled, simplest first (the order the one-standard-error rule prefers).
     */
    public static final List<CombinerSpec> DEFAULT_CANDIDATES = List.of(
            defaults("mean"), defaults("mean").withTemperature(),
            defaults("weighted"), defaults("weighted").withTemperature(),
            defaults("caruana"), defaults("caruana").withTemperature(),
            defaults("stacking"));

    /** This combiner, temperature-scaled. */
    public CombinerSpec withTemperature() {
        return new CombinerSpec(kind, penalty, strength, rounds, l2, folds, true, candidates, rule);
    }

    /** The fitted combiner's kind: {@code weighted}, {@code weighted+temperature}, ...; {@code auto} for auto. */
    public String name() {
        return kind + (temperature ? "+temperature" : "");
    }

    /** Whether this is {@code auto}, which chooses among {@link #candidates}. */
    public boolean isAuto() {
        return kind.equals(AUTO);
    }

    /**
     * Fits this combiner on held-out (validation) predictions; {@code auto} cross-validates its
     * candidates there ({@link CombinerSelection}) and fits the winner.
     */
    public Combiner fit(MemberPredictions val, long seed) throws EnsembleException {
        return isAuto() ? select(val, seed).chosen() : fitOne(val, seed);
    }

    /** For {@code auto}: every candidate's cross-validated NLL and the refitted winner. */
    public CombinerSelection.Result select(MemberPredictions val, long seed) throws EnsembleException {
        List<CombinerSelection.Candidate> cs = new ArrayList<>();
        for (CombinerSpec c : candidates) {
            cs.add(new CombinerSelection.Candidate(c.name(), rows -> c.fitOne(rows, seed)));
        }
        return CombinerSelection.select(val, cs, folds, seed, rule);
    }

    /** Fits this (non-auto) combiner on {@code val}. */
    public Combiner fitOne(MemberPredictions val, long seed) throws EnsembleException {
        Combiner c = switch (kind) {
            case "mean" -> new MeanCombiner();
            case "weighted" -> WeightedMean.fit(val, penalty, strength);
            case "caruana" -> CaruanaSelection.fit(val, rounds);
            case "stacking" -> Stacking.fit(val, l2, folds, seed);
            default -> throw new IllegalStateException("not a combiner that fits alone: " + kind);
        };
        return temperature ? Temperature.fit(c, val) : c;
    }
}
