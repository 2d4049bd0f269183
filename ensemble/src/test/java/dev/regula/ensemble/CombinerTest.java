package dev.regula.ensemble;

import dev.regula.transfer.train.Metrics;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Combiners on hand-made member predictions with known answers. */
class CombinerTest {

    private static MemberPredictions heldOut(int[] y, float[][]... p) {
        List<String> names = new ArrayList<>();
        List<BitSet> seen = new ArrayList<>();
        for (int k = 0; k < p.length; k++) {
            names.add("m" + k);
            seen.add(new BitSet());
        }
        return new MemberPredictions(names, p, y, seen);
    }

    @Test
    void meanAveragesProbabilities() {
        float[][] a = {{0.2f, 0.8f}, {1f, 0f}};
        float[][] b = {{0.6f, 0.4f}, {0.5f, 0.5f}};
        float[][] out = new MeanCombiner().combine(new float[][][] {a, b});
        assertThat(out[0][0]).isCloseTo(0.4f, within(1e-7f));
        assertThat(out[0][1]).isCloseTo(0.6f, within(1e-7f));
        assertThat(out[1][0]).isCloseTo(0.75f, within(1e-7f));
    }

    @Test
    void weightedWithoutPenaltyFavoursTheBetterMember() throws Exception {
        int[] y = Data.labels(300, 3);
        MemberPredictions val = heldOut(y, Data.noisyMember(1, y, 3, 0.9, 0.8f), Data.noisyMember(2, y, 3, 0.4, 0.8f));
        WeightedMean w = WeightedMean.fit(val, WeightedMean.Penalty.L2, 0);
        assertThat(w.weights()[0]).isGreaterThan(0.8);
        assertThat(w.weights()[0] + w.weights()[1]).isCloseTo(1.0, within(1e-9));
        // The fitted weights beat uniform on the data they were fitted on.
        double fitted = Probs.nll(w.combine(val.proba()), y);
        double uniform = Probs.nll(new MeanCombiner().combine(val.proba()), y);
        assertThat(fitted).isLessThan(uniform);
    }

    @Test
    void strongPenaltyGivesUniformWeights() throws Exception {
        int[] y = Data.labels(300, 3);
        MemberPredictions val = heldOut(y, Data.noisyMember(1, y, 3, 0.9, 0.8f), Data.noisyMember(2, y, 3, 0.4, 0.8f),
                Data.noisyMember(3, y, 3, 0.6, 0.6f));
        for (WeightedMean.Penalty pen : WeightedMean.Penalty.values()) {
            double[] w = WeightedMean.fit(val, pen, 1e9).weights();
            for (double v : w) {
                assertThat(v).as(pen.name()).isCloseTo(1.0 / 3, within(1e-6));
            }
            // and a moderate strength sits strictly between uniform and the unpenalised fit
            double free = WeightedMean.fit(val, pen, 0).weights()[0];
            double mid = WeightedMean.fit(val, pen, 0.05).weights()[0];
            assertThat(mid).as(pen.name()).isStrictlyBetween(1.0 / 3, free);
        }
    }

    @Test
    void caruanaPicksTheObviouslyBestMemberFirst() throws Exception {
        int[] y = Data.labels(240, 4);
        MemberPredictions val = heldOut(y, Data.noisyMember(5, y, 4, 0.5, 0.7f), Data.noisyMember(6, y, 4, 0.95, 0.9f),
                Data.noisyMember(7, y, 4, 0.5, 0.7f));
        WeightedMean w = CaruanaSelection.fit(val, 10);
        assertThat(w.kind()).isEqualTo("caruana");
        @SuppressWarnings("unchecked")
        List<String> picks = (List<String>) w.describe().get("picks");
        assertThat(picks).hasSize(10);
        assertThat(picks.get(0)).isEqualTo("m1");
        @SuppressWarnings("unchecked")
        List<Integer> counts = (List<Integer>) w.describe().get("counts");
        assertThat(counts.stream().mapToInt(Integer::intValue).sum()).isEqualTo(10);
        assertThat(w.weights()[1]).isEqualTo(counts.get(1) / 10.0);
        assertThat(counts.get(1)).isGreaterThan(counts.get(0)).isGreaterThan(0);
    }

    @Test
    void caruanaWithOneMemberGivesItAllWeight() throws Exception {
        int[] y = Data.labels(30, 2);
        WeightedMean w = CaruanaSelection.fit(heldOut(y, Data.noisyMember(1, y, 2, 0.7, 0.7f)), 5);
        assertThat(w.weights()).containsExactly(1.0);
    }

    @Test
    void stackingLearnsWhichMemberToTrust() throws Exception {
        int[] y = Data.labels(300, 3);
        MemberPredictions val = heldOut(y, Data.noisyMember(11, y, 3, 0.9, 0.7f), Data.noisyMember(12, y, 3, 0.34, 0.9f));
        Stacking s = Stacking.fit(val, new double[] {1e-3, 1e-2, 1e-1}, 5, 7);
        int[] yt = Data.labels(300, 3);
        float[][][] test = {Data.noisyMember(21, yt, 3, 0.9, 0.7f), Data.noisyMember(22, yt, 3, 0.34, 0.9f)};
        float[][] out = s.combine(test);
        for (float[] row : out) {
            float sum = 0;
            for (float v : row) {
                sum += v;
            }
            assertThat(sum).isCloseTo(1f, within(1e-5f));
        }
        assertThat(accuracy(out, yt)).isGreaterThan(0.85);
        assertThat(s.describe()).containsKeys("l2", "cv_nll_by_l2", "fit_rows");
    }

    /**
     * A memoriser is perfect and confident on rows it trained on and confidently random elsewhere.
     * Fitted honestly (its training rows marked as seen) the meta-learner relies on the honest
     * member; had it learned from the memorised rows it would trust the memoriser and fall to
     * chance on new data, which the second half of the test shows.
     */
    @Test
    void stackingNeverLearnsFromRowsAMemberTrainedOn() throws Exception {
        int n = 400;
        int[] y = Data.labels(n, 3);
        BitSet trained = new BitSet();
        trained.set(0, 340);
        float[][] memoriser = Data.noisyMember(31, y, 3, 1.0 / 3, 0.95f);
        float[][] perfect = Data.noisyMember(32, y, 3, 1.0, 0.98f);
        for (int r = trained.nextSetBit(0); r >= 0; r = trained.nextSetBit(r + 1)) {
            memoriser[r] = perfect[r];
        }
        float[][] honest = Data.noisyMember(33, y, 3, 0.75, 0.7f);
        MemberPredictions withBookkeeping = new MemberPredictions(List.of("memoriser", "honest"), new float[][][] {memoriser, honest},
                y, List.of(trained, new BitSet()));
        MemberPredictions leaky = new MemberPredictions(List.of("memoriser", "honest"), new float[][][] {memoriser, honest}, y,
                List.of(new BitSet(), new BitSet()));

        int[] yt = Data.labels(600, 3);
        float[][][] test = {Data.noisyMember(41, yt, 3, 1.0 / 3, 0.95f), Data.noisyMember(42, yt, 3, 0.75, 0.7f)};

        Stacking honestFit = Stacking.fit(withBookkeeping, new double[] {1e-2, 1e-1}, 4, 3);
        assertThat(honestFit.describe().get("fit_rows")).isEqualTo(n);
        assertThat(accuracy(honestFit.combine(test), yt)).isGreaterThan(0.68);

        Stacking leakyFit = Stacking.fit(leaky, new double[] {1e-2, 1e-1}, 4, 3);
        assertThat(accuracy(leakyFit.combine(test), yt)).as("a fit on memorised rows trusts the memoriser").isLessThan(0.6);
    }

    static double accuracy(float[][] p, int[] y) {
        int ok = 0;
        for (int i = 0; i < y.length; i++) {
            ok += Metrics.argmax(p[i]) == y[i] ? 1 : 0;
        }
        return (double) ok / y.length;
    }
}
