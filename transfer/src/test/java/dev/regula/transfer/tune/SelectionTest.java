package dev.regula.transfer.tune;

import static dev.regula.transfer.tune.TuneFixtures.trial;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SelectionTest {
    private static final SearchSpace L2 = SearchSpace.of(new SearchSpace.Dim(Knob.L2,
            new Range.Choice(List.of(0.01, 0.1, 1.0))));

    // By hand: A folds {0.30, 0.32, 0.34}: mean 0.32, sample sd 0.02, SE 0.02/√3 = 0.011547; bound 0.331547.
    // B mean 0.33 is inside the bound, C mean 0.34 is not.
    private final TrialResult a = trial(Knob.L2, 0.01, 0.30, 0.32, 0.34);
    private final TrialResult b = trial(Knob.L2, 0.1, 0.32, 0.33, 0.34);
    private final TrialResult c = trial(Knob.L2, 1.0, 0.33, 0.34, 0.35);

    @Test
    void standardErrorIsSampleSdOverRootK() {
        assertThat(a.meanValNll()).isCloseTo(0.32, within(1e-12));
        assertThat(a.standardError()).isCloseTo(0.02 / Math.sqrt(3), within(1e-12));
        assertThat(a.gap()).isCloseTo(0.05, within(1e-12));
    }

    @Test
    void minTakesLowestMeanAndOneSeTakesMostRegularizedWithinOneSe() {
        List<TrialResult> all = List.of(c, b, a);
        Selection min = Selection.select(TuneSpec.Rule.MIN, L2, all, all, null, null);
        assertThat(min.winner()).isSameAs(a);
        Selection oneSe = Selection.select(TuneSpec.Rule.ONE_SE, L2, all, all, null, null);
        assertThat(oneSe.minTrial()).isSameAs(a);
        assertThat(oneSe.threshold()).isCloseTo(0.32 + 0.02 / Math.sqrt(3), within(1e-12));
        assertThat(oneSe.winner()).isSameAs(b);
    }

    @Test
    void maxNormIsMoreRegularizedWhenSmaller() {
        SearchSpace space = SearchSpace.of(new SearchSpace.Dim(Knob.MAX_NORM, new Range.Choice(List.of(1.0, 3.0))));
        TrialResult tight = trial(Knob.MAX_NORM, 1.0, 0.33, 0.33, 0.33);
        TrialResult loose = trial(Knob.MAX_NORM, 3.0, 0.30, 0.32, 0.34);
        Selection s = Selection.select(TuneSpec.Rule.ONE_SE, space, List.of(loose, tight), List.of(loose, tight), null, null);
        assertThat(s.winner()).isSameAs(tight);
    }

    @Test
    void learningRateIsNotOrderedSoOneSeFallsBackToLowestMean() {
        SearchSpace space = SearchSpace.of(new SearchSpace.Dim(Knob.LEARNING_RATE, new Range.Choice(List.of(0.01, 0.1))));
        TrialResult slow = trial(Knob.LEARNING_RATE, 0.01, 0.33, 0.33, 0.33);
        TrialResult fast = trial(Knob.LEARNING_RATE, 0.1, 0.30, 0.32, 0.34);
        Selection s = Selection.select(TuneSpec.Rule.ONE_SE, space, List.of(slow, fast), List.of(slow, fast), null, null);
        assertThat(s.winner()).isSameAs(fast);
        assertThat(s.verdicts().get(0).kind()).isEqualTo(Verdict.Kind.NOT_ORDERED);
    }

    @Test
    void lexicographicOverDeclaredKnobs() {
        SearchSpace space = SearchSpace.of(
                new SearchSpace.Dim(Knob.DROPOUT_RATE, new Range.Choice(List.of(0.0, 0.5))),
                new SearchSpace.Dim(Knob.WEIGHT_DECAY, new Range.Choice(List.of(0.0, 0.1))));
        TrialResult lowDropHighWd = two(0.0, 0.1, 0.32);
        TrialResult highDropLowWd = two(0.5, 0.0, 0.325);
        TrialResult highDropHighWd = two(0.5, 0.1, 0.40);
        List<TrialResult> all = List.of(lowDropHighWd, highDropLowWd, highDropHighWd);
        // Within the bound (SE 0.0115): the first two; dropout.rate is declared first, so 0.5 beats 0.0.
        Selection s = Selection.select(TuneSpec.Rule.ONE_SE, space, all, all, null, null);
        assertThat(s.winner()).isSameAs(highDropLowWd);
    }

    @Test
    void verdictsJudgeTheBaselineAndFlagEdges() {
        TrialResult baseline = new TrialResult(new TrialConfig(Map.of(Knob.L2, 0.0), 1, true), 0,
                TrialResult.Status.COMPLETED, a.folds().stream().map(f -> new FoldScore(f.fold(), f.valNll() + 0.2, 0.01, 5, 20))
                        .toList(), List.of(), null);
        List<TrialResult> all = List.of(a, b, c, baseline);
        Selection s = Selection.select(TuneSpec.Rule.MIN, L2, all, List.of(a, b, c), baseline, null);
        Verdict v = s.verdicts().get(0);
        assertThat(v.kind()).isEqualTo(Verdict.Kind.UNDER);
        assertThat(v.referenceId()).isEqualTo(baseline.id());
        assertThat(v.bestStrongerValue()).isEqualTo(0.01);
        assertThat(v.edge()).isEqualTo(Verdict.Edge.LOWEST);
        assertThat(v.advice()).contains("under-regularized", "gap", "toward weaker");
        assertThat(s.toJson()).contains("\"verdict\":\"under\"", "\"edge\":\"lowest\"");
    }

    private static TrialResult two(double drop, double wd, double mean) {
        List<FoldScore> folds = List.of(new FoldScore(0, mean - 0.02, 0.1, 3, 5), new FoldScore(1, mean, 0.1, 3, 5),
                new FoldScore(2, mean + 0.02, 0.1, 3, 5));
        java.util.LinkedHashMap<Knob, Double> p = new java.util.LinkedHashMap<>();
        p.put(Knob.DROPOUT_RATE, drop);
        p.put(Knob.WEIGHT_DECAY, wd);
        return new TrialResult(new TrialConfig(p, 1, false), 0, TrialResult.Status.COMPLETED, folds, List.of(), null);
    }
}
