package dev.regula.ensemble;

import dev.regula.transfer.train.Metrics;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.regula.models.GraphBuilder;
import dev.regula.models.OnnxRef;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Temperature scaling and cross-validated combiner selection on hand-made predictions. */
class SelectionTest {

    private static MemberPredictions heldOut(int[] y, float[][]... p) {
        List<String> names = new ArrayList<>();
        List<BitSet> seen = new ArrayList<>();
        for (int k = 0; k < p.length; k++) {
            names.add("m" + k);
            seen.add(new BitSet());
        }
        return new MemberPredictions(names, p, y, seen);
    }

    /**
     * Labels drawn from softmax(z) (so softmax(z) is calibrated) and a member that reports
     * softmax(z·sharpness): an over- (sharpness > 1) or under-confident view of the same ranking.
     */
    private static MemberPredictions miscalibrated(long seed, int n, int classes, double sharpness) {
        SplittableRandom rng = new SplittableRandom(seed);
        int[] y = new int[n];
        float[][] p = new float[n][];
        for (int i = 0; i < n; i++) {
            double[] z = new double[classes];
            for (int c = 0; c < classes; c++) {
                z[c] = 1.5 * Data.gauss(rng);
            }
            float[] truth = Forward.softmax(z);
            double u = rng.nextDouble();
            int label = classes - 1;
            for (int c = 0; c < classes; c++) {
                u -= truth[c];
                if (u < 0) {
                    label = c;
                    break;
                }
            }
            y[i] = label;
            double[] zs = new double[classes];
            for (int c = 0; c < classes; c++) {
                zs[c] = z[c] * sharpness;
            }
            p[i] = Forward.softmax(zs);
        }
        return heldOut(y, p);
    }

    @Test
    void temperatureOfAGivenValueIsAPowerOfTheProbabilities() throws Exception {
        // T = 2: q ∝ sqrt(p); (0.8, 0.2) -> (2/3, 1/3)
        float[][] out = Temperature.of(new MeanCombiner(), 2.0).combine(new float[][][] {{{0.8f, 0.2f}}});
        assertThat(out[0][0]).isCloseTo(2f / 3, within(1e-6f));
        assertThat(out[0][1]).isCloseTo(1f / 3, within(1e-6f));
        assertThatThrownBy(() -> Temperature.of(new MeanCombiner(), 0)).isInstanceOf(EnsembleException.class)
                .hasMessageContaining("expected a finite number > 0");
    }

    @Test
    void temperatureRecoversTheSharpeningOfAnOverconfidentMember() throws Exception {
        for (double sharpness : new double[] {0.5, 2.5}) {
            MemberPredictions val = miscalibrated(3, 6000, 3, sharpness);
            Temperature t = Temperature.fit(new MeanCombiner(), val);
            assertThat(t.temperature()).as("sharpness %s", sharpness).isCloseTo(sharpness, within(0.12 * sharpness));
            assertThat(t.kind()).isEqualTo("mean+temperature");
            float[][] before = new MeanCombiner().combine(val.proba());
            float[][] after = t.combine(val.proba());
            assertThat(Probs.nll(after, val.labels())).isLessThan(Probs.nll(before, val.labels()));
            for (int i = 0; i < after.length; i++) {
                assertThat(Metrics.argmax(after[i])).isEqualTo(Metrics.argmax(before[i]));
            }
            // and on fresh rows from the same source it still helps: one scalar does not over-fit
            MemberPredictions fresh = miscalibrated(4, 3000, 3, sharpness);
            assertThat(Probs.nll(t.combine(fresh.proba()), fresh.labels()))
                    .isLessThan(Probs.nll(new MeanCombiner().combine(fresh.proba()), fresh.labels()));
        }
        // a calibrated member keeps T close to 1
        assertThat(Temperature.fit(new MeanCombiner(), miscalibrated(5, 6000, 3, 1.0)).temperature()).isCloseTo(1.0, within(0.1));
    }

    @Test
    void foldsAreStratifiedDisjointAndSkipRowsAMemberTrainedOn() throws Exception {
        int[] y = new int[103];
        for (int i = 0; i < y.length; i++) {
            y[i] = i < 30 ? 1 : 0;
        }
        BitSet seen = new BitSet();
        seen.set(0, 5);
        float[][] p = Data.noisyMember(1, y, 2, 0.8, 0.8f);
        MemberPredictions preds = new MemberPredictions(List.of("a", "b"), new float[][][] {p, p}, y, List.of(seen, new BitSet()));
        int[][] folds = CombinerSelection.folds(preds, 4, 9);
        Set<Integer> all = new HashSet<>();
        for (int[] f : folds) {
            assertThat(f.length).isBetween(24, 25);
            long positives = Arrays.stream(f).filter(r -> y[r] == 1).count();
            assertThat(positives).isBetween(6L, 7L); // 25 usable positives over 4 folds
            for (int r : f) {
                assertThat(all.add(r)).as("row %d in two folds", r).isTrue();
            }
        }
        assertThat(all).hasSize(98).doesNotContain(0, 1, 2, 3, 4);
        assertThat(CombinerSelection.folds(preds, 4, 9)).isDeepEqualTo(folds);
    }

    /**
     * A combiner that remembers the label of every member-probability vector it was fitted on is
     * perfect on those rows and guesses elsewhere. In-sample it would win any comparison;
     * cross-validated it must lose to the plain mean.
     */
    @Test
    void selectionNeverRewardsMemorisingTheFitRows() throws Exception {
        int[] y = Data.labels(300, 3);
        MemberPredictions val = heldOut(y, Data.noisyMember(1, y, 3, 0.8, 0.7f), Data.noisyMember(2, y, 3, 0.8, 0.7f));
        for (int k = 0; k < 2; k++) {
            // make every row's probability vector unique, so a lookup table can memorise it
            for (int r = 0; r < y.length; r++) {
                val.proba()[k][r][0] += r * 1e-6f;
                val.proba()[k][r][1] -= r * 1e-6f;
            }
        }
        CombinerSelection.Fitter memoriser = Memoriser::new;
        Combiner fitted = memoriser.fit(val);
        assertThat(Probs.nll(fitted.combine(val.proba()), y)).as("in-sample").isLessThan(0.01);

        CombinerSelection.Result r = CombinerSelection.select(val,
                List.of(new CombinerSelection.Candidate("memoriser", memoriser), new CombinerSelection.Candidate("mean", p -> new MeanCombiner())),
                5, 1);
        assertThat(r.name()).isEqualTo("mean");
        assertThat(r.chosen().kind()).isEqualTo("mean");
        assertThat(r.cvNll().get("memoriser")).isGreaterThan(r.cvNll().get("mean"));
        assertThat(r.cvNll().get("mean")).isCloseTo(Probs.nll(new MeanCombiner().combine(val.proba()), y), within(1e-9));
    }

    @Test
    void selectionPrefersWeightsWhenOneMemberIsJunk() throws Exception {
        int[] y = Data.labels(400, 3);
        MemberPredictions val = heldOut(y, Data.noisyMember(1, y, 3, 0.9, 0.8f), Data.noisyMember(2, y, 3, 1.0 / 3, 0.9f));
        CombinerSelection.Result r = CombinerSelection.select(val, List.of(
                new CombinerSelection.Candidate("mean", p -> new MeanCombiner()),
                new CombinerSelection.Candidate("weighted", p -> WeightedMean.fit(p, WeightedMean.Penalty.L2, 0.01))), 5, 3);
        assertThat(r.name()).isEqualTo("weighted");
        assertThat(((WeightedMean) r.chosen()).weights()[0]).isGreaterThan(0.8);
        assertThatThrownBy(() -> CombinerSelection.select(val, List.of(), 5, 3)).isInstanceOf(EnsembleException.class)
                .hasMessageContaining("no candidate");
        assertThatThrownBy(() -> CombinerSelection.crossValidatedNll(val, p -> new MeanCombiner(), 1, 3))
                .isInstanceOf(EnsembleException.class).hasMessageContaining("folds must be in [2, 400]");
    }

    @Test
    void standardErrorIsTheSampleStandardDeviationOverRootN() {
        // mean 2.5, sample variance 5/3, so SE = sqrt(5/3 / 4) = 0.645497...
        assertThat(CombinerSelection.standardError(new double[] {1, 2, 3, 4})).isCloseTo(Math.sqrt(5.0 / 12), within(1e-12));
        assertThat(CombinerSelection.standardError(new double[] {7})).isZero();
    }

    /**
     * Three members on 200 rows that all give the true class 0.8, except: "better" gives 0.9 on
     * rows 0 and 1 and 0.7 on row 2; "worse" gives 0.6 everywhere. Candidates return one member
     * each. Per row, NLL(plain) − NLL(better) is ln(9/8) twice and −ln(8/7) once: a mean gap of
     * 0.00051, below its standard error of 0.00107. MIN takes "better"; ONE_SE takes the first
     * candidate within one SE, skipping "worse" (gap ln(4/3), SE 0).
     */
    @Test
    void theOneStandardErrorRuleTakesTheFirstCandidateWithinNoiseOfTheLowest() throws Exception {
        int n = 200;
        int[] y = new int[n];
        float[][] plain = new float[n][];
        float[][] better = new float[n][];
        float[][] worse = new float[n][];
        for (int r = 0; r < n; r++) {
            y[r] = r % 2;
            float pb = r < 2 ? 0.9f : r == 2 ? 0.7f : 0.8f;
            plain[r] = y[r] == 0 ? new float[] {0.8f, 0.2f} : new float[] {0.2f, 0.8f};
            better[r] = y[r] == 0 ? new float[] {pb, 1 - pb} : new float[] {1 - pb, pb};
            worse[r] = y[r] == 0 ? new float[] {0.6f, 0.4f} : new float[] {0.4f, 0.6f};
        }
        MemberPredictions val = heldOut(y, plain, better, worse);
        List<CombinerSelection.Candidate> candidates = List.of(
                new CombinerSelection.Candidate("worse", p -> WeightedMean.of(0, 0, 1)),
                new CombinerSelection.Candidate("plain", p -> WeightedMean.of(1, 0, 0)),
                new CombinerSelection.Candidate("better", p -> WeightedMean.of(0, 1, 0)));

        CombinerSelection.Result min = CombinerSelection.select(val, candidates, 5, 7, CombinerSelection.Rule.MIN);
        assertThat(min.name()).isEqualTo("better");
        assertThat(min.lowest()).isEqualTo("better");

        CombinerSelection.Result oneSe = CombinerSelection.select(val, candidates, 5, 7, CombinerSelection.Rule.ONE_SE);
        assertThat(oneSe.lowest()).isEqualTo("better");
        assertThat(oneSe.name()).isEqualTo("plain");
        double gap = oneSe.cvNll().get("plain") - oneSe.cvNll().get("better");
        assertThat(gap).isCloseTo((2 * Math.log(0.9 / 0.8) - Math.log(0.8 / 0.7)) / n, within(1e-6));
        assertThat(oneSe.cvGapSe().get("plain")).isGreaterThan(gap).isCloseTo(0.00107, within(0.00001));
        assertThat(oneSe.cvGapSe().get("better")).isZero();
        assertThat(oneSe.cvNll().get("worse") - oneSe.cvNll().get("better")).isGreaterThan(0.28);

        // listed first, the lowest itself is the first within one SE
        CombinerSelection.Result flipped = CombinerSelection.select(val, List.of(candidates.get(2), candidates.get(1)), 5, 7,
                CombinerSelection.Rule.ONE_SE);
        assertThat(flipped.name()).isEqualTo("better");
    }

    /** Test double: a lookup table from member probability vectors to the label seen with them. */
    private static final class Memoriser implements Combiner {
        private final Map<String, Integer> table = new HashMap<>();
        private final int classes;

        Memoriser(MemberPredictions fit) {
            classes = fit.classes();
            for (int r = 0; r < fit.rows(); r++) {
                table.put(key(fit.proba(), r), fit.labels()[r]);
            }
        }

        private static String key(float[][][] p, int r) {
            StringBuilder sb = new StringBuilder();
            for (float[][] m : p) {
                sb.append(Arrays.toString(m[r]));
            }
            return sb.toString();
        }

        @Override
        public String kind() {
            return "memoriser";
        }

        @Override
        public int members() {
            return -1;
        }

        @Override
        public float[][] combine(float[][][] proba) {
            float[][] out = new float[proba[0].length][classes];
            for (int r = 0; r < out.length; r++) {
                Integer y = table.get(key(proba, r));
                // confident on remembered rows, confidently wrong-ish guess elsewhere
                int guess = y != null ? y : 0;
                Arrays.fill(out[r], 0.001f / (classes - 1));
                out[r][guess] = 0.999f;
            }
            return out;
        }

        @Override
        public OnnxRef writeGraph(GraphBuilder g, OnnxRef stacked, int c) {
            throw new UnsupportedOperationException("test double");
        }

        @Override
        public Map<String, Object> describe() {
            return Map.of("kind", kind());
        }
    }
}
