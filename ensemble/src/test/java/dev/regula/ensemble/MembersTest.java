package dev.regula.ensemble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.regula.transfer.features.FeatureMatrix;
import dev.regula.transfer.head.HeadActivation;
import dev.regula.transfer.head.HeadSpec;
import dev.regula.transfer.head.LayerWeights;
import dev.regula.transfer.regularize.RegularizationSpec;
import dev.regula.transfer.train.TrainingSpec;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Member generation on small blobs with tiny heads. */
class MembersTest {
    static final List<String> CLASSES = List.of("a", "b", "c");
    static final FeatureMatrix TRAIN = Data.blobs(1, 90, 8, 3, 2.0);
    static final FeatureMatrix VAL = Data.blobs(2, 60, 8, 3, 2.0);
    static final TrainingSpec FAST = TrainingSpec.adam(0.02, 16, 5, 0);

    @Test
    void baggingRecordsExactlyTheRowsNotDrawnAsOutOfBag() throws Exception {
        List<Member> bags = new MemberFactory(TRAIN, VAL, CLASSES).bagging(HeadSpec.linear(), RegularizationSpec.none(), FAST, 3, 42);
        assertThat(bags).hasSize(3);
        for (Member m : bags) {
            Set<Integer> drawn = new HashSet<>();
            Arrays.stream(m.trainRows()).forEach(drawn::add);
            assertThat(m.trainRows()).hasSize(TRAIN.rows());
            int[] expectedOob = java.util.stream.IntStream.range(0, TRAIN.rows()).filter(r -> !drawn.contains(r)).toArray();
            assertThat(m.oobRows()).containsExactly(expectedOob);
            assertThat(m.oobRows().length).isBetween(15, 50); // about n/e for n = 90
        }
        assertThat(bags.get(0).trainRows()).isNotEqualTo(bags.get(1).trainRows());
        // same seed, same bags
        List<Member> again = new MemberFactory(TRAIN, VAL, CLASSES).bagging(HeadSpec.linear(), RegularizationSpec.none(), FAST, 3, 42);
        assertThat(again.get(2).trainRows()).containsExactly(bags.get(2).trainRows());
        assertThat(again.get(2).head().layers().get(0).w()).isDeepEqualTo(bags.get(2).head().layers().get(0).w());

        MemberPredictions oob = MemberPredictions.onTraining(bags, TRAIN);
        for (int k = 0; k < 3; k++) {
            assertThat(oob.seen().get(k).cardinality()).isEqualTo(TRAIN.rows() - bags.get(k).oobRows().length);
        }
        Stacking s = Stacking.fit(oob, new double[] {1e-2}, 2, 1);
        assertThat((int) s.describe().get("fit_rows")).isLessThan(TRAIN.rows());
    }

    /** Early stopping's recorded loss at the kept epoch is the NLL on the rows it watched: OOB rows, or val. */
    @Test
    void baggingEarlyStopsOnItsOutOfBagRowsOrOnVal() throws Exception {
        RegularizationSpec stop = RegularizationSpec.builder()
                .earlyStopping(new dev.regula.transfer.regularize.EarlyStoppingSpec(
                        dev.regula.transfer.regularize.EarlyStoppingSpec.Metric.VAL_LOSS, 2, 0))
                .build();
        MemberFactory f = new MemberFactory(TRAIN, VAL, CLASSES);
        for (MemberFactory.StopOn on : MemberFactory.StopOn.values()) {
            Member m = f.bagging(HeadSpec.linear(), stop, FAST.withEpochs(8), 2, 42, on).get(1);
            FeatureMatrix watched = on == MemberFactory.StopOn.OOB ? TRAIN.select(m.oobRows()) : VAL;
            FeatureMatrix other = on == MemberFactory.StopOn.OOB ? VAL : TRAIN.select(m.oobRows());
            double recorded = m.head().history().best().valLoss();
            assertThat(Probs.nll(m.predictProba(watched), watched.labels())).as(on.name()).isCloseTo(recorded, within(1e-4));
            assertThat(Probs.nll(m.predictProba(other), other.labels())).as(on.name()).isNotCloseTo(recorded, within(1e-4));
        }
    }

    @Test
    void seedMembersDifferAndShareNothingButTheSpec() throws Exception {
        List<Member> ms = new MemberFactory(TRAIN, VAL, CLASSES).seeds(HeadSpec.mlp(HeadActivation.RELU, 6), RegularizationSpec.none(),
                FAST, 1, 2);
        assertThat(ms).extracting(Member::name).containsExactly("seed-1", "seed-2");
        assertThat(ms.get(0).head().layers().get(0).w()).isNotEqualTo(ms.get(1).head().layers().get(0).w());
        assertThat(ms.get(0).origin()).isNotEqualTo(ms.get(1).origin());
    }

    /**
     * Seeds and bags train as one stack in the order of the first seed, so the first seed member
     * equals its lone run up to float rounding, and the bags are the bags {@code bagging} draws.
     */
    @Test
    void seedsAndBagsTrainAsOneStack() throws Exception {
        MemberFactory f = new MemberFactory(TRAIN, VAL, CLASSES);
        HeadSpec mlp = HeadSpec.mlp(HeadActivation.RELU, 6);
        RegularizationSpec reg = RegularizationSpec.builder().dropout(
                dev.regula.transfer.regularize.DropoutSpec.of(dev.regula.transfer.regularize.DropoutSpec.Kind.STANDARD, 0.2, 0.1)).build();
        Member alone = f.seeds(mlp, reg, FAST, 7).get(0);
        List<Member> both = f.seedsAndBagging(mlp, reg, FAST, new long[] {7, 8}, FAST.withSeed(100), 3, 42, MemberFactory.StopOn.OOB);
        assertThat(both).extracting(Member::name).containsExactly("seed-7", "seed-8", "bag-0", "bag-1", "bag-2");
        assertThat(maxDiff(both.get(0), alone)).isLessThanOrEqualTo(1e-5);
        assertThat(maxDiff(both.get(0), both.get(1))).isGreaterThan(1e-3);
        List<Member> bags = f.bagging(mlp, reg, FAST.withSeed(100), 3, 42, MemberFactory.StopOn.OOB);
        for (int i = 0; i < 3; i++) {
            assertThat(both.get(2 + i).oobRows()).containsExactly(bags.get(i).oobRows());
            assertThat(both.get(2 + i).trainRows()).containsExactly(bags.get(i).trainRows());
            assertThat(both.get(2 + i).origin()).isEqualTo(bags.get(i).origin());
        }
    }

    private static double maxDiff(Member a, Member b) {
        double d = 0;
        for (int l = 0; l < a.head().layers().size(); l++) {
            float[] x = a.head().layers().get(l).flatW();
            float[] y = b.head().layers().get(l).flatW();
            for (int i = 0; i < x.length; i++) {
                d = Math.max(d, Math.abs(x[i] - y[i]));
            }
        }
        return d;
    }

    @Test
    void snapshotsContinueFromThePreviousCycle() throws Exception {
        MemberFactory f = new MemberFactory(TRAIN, VAL, CLASSES);
        List<Member> two = f.snapshots(HeadSpec.linear(), RegularizationSpec.none(), FAST.withSeed(9), 2, 3);
        List<Member> one = f.snapshots(HeadSpec.linear(), RegularizationSpec.none(), FAST.withSeed(9), 1, 3);
        assertThat(two).extracting(Member::name).containsExactly("snapshot-0", "snapshot-1");
        assertThat(two.get(0).head().layers().get(0).w()).isDeepEqualTo(one.get(0).head().layers().get(0).w());
        assertThat(two.get(1).head().training().schedule()).isEqualTo(TrainingSpec.Schedule.COSINE);
        // A cold run of cycle 1's spec differs from the warm-started snapshot.
        List<Member> cold = f.snapshots(HeadSpec.linear(), RegularizationSpec.none(), FAST.withSeed(10), 1, 3);
        assertThat(two.get(1).head().layers().get(0).w()).isNotEqualTo(cold.get(0).head().layers().get(0).w());
        // Warm start: after one more cycle the weights are closer to snapshot 0 than a cold start is.
        assertThat(distance(two.get(1), two.get(0))).isLessThan(distance(cold.get(0), two.get(0)));
    }

    @Test
    void regularizationDiverseMembersSoupAndRankByValNll() throws Exception {
        MemberFactory f = new MemberFactory(TRAIN, VAL, CLASSES);
        List<RegularizationSpec> regs = List.of(RegularizationSpec.none(), RegularizationSpec.builder().l2(1e-2).build(),
                RegularizationSpec.builder().weightDecay(1e-1).build());
        List<Member> ms = f.regularizationDiverse(HeadSpec.mlp(HeadActivation.TANH, 5), regs, FAST.withSeed(3));
        assertThat(ms).extracting(Member::origin).containsOnly("seed:3");

        List<Member> top = f.topKByValNll(ms, 2);
        double nll0 = Probs.nll(top.get(0).predictProba(VAL), VAL.labels());
        for (Member m : ms) {
            assertThat(Probs.nll(m.predictProba(VAL), VAL.labels())).isGreaterThanOrEqualTo(nll0);
        }

        Member uniform = Soups.uniform(ms);
        LayerWeights l0 = uniform.head().layers().get(0);
        float expected = (ms.get(0).head().layers().get(0).w()[2][3] + ms.get(1).head().layers().get(0).w()[2][3]
                + ms.get(2).head().layers().get(0).w()[2][3]) / 3;
        assertThat(l0.w()[2][3]).isCloseTo(expected, within(1e-6f));

        Soups.Greedy greedy = Soups.greedy(ms, VAL);
        double best = ms.stream().mapToDouble(m -> Probs.nll(m.predictProba(VAL), VAL.labels())).min().orElseThrow();
        assertThat(Probs.nll(greedy.soup().predictProba(VAL), VAL.labels())).isLessThanOrEqualTo(best + 1e-12);
        // the kept ingredients start with the best member, and the soup is exactly their uniform soup
        assertThat(greedy.ingredients().get(0)).isEqualTo(top.get(0).name());
        assertThat(greedy.soup().name()).isEqualTo("soup-greedy[" + String.join(",", greedy.ingredients()) + "]");
        List<Member> kept = greedy.ingredients().stream()
                .map(n -> ms.stream().filter(m -> m.name().equals(n)).findFirst().orElseThrow()).toList();
        for (int l = 0; l < kept.get(0).head().layers().size(); l++) {
            assertThat(greedy.soup().head().layers().get(l).w()).isDeepEqualTo(Soups.uniform(kept).head().layers().get(l).w());
        }
    }

    @Test
    void soupOfIdenticalMembersEqualsTheMember() throws Exception {
        Member m = new MemberFactory(TRAIN, VAL, CLASSES).seeds(HeadSpec.mlp(HeadActivation.GELU, 4), RegularizationSpec.none(), FAST, 5)
                .get(0);
        Member copy = new Member("copy", m.head(), m.classes(), null, null, m.origin());
        Member soup = Soups.uniform(List.of(m, copy, new Member("copy2", m.head(), m.classes(), null, null, m.origin())));
        for (int l = 0; l < m.head().layers().size(); l++) {
            assertThat(soup.head().layers().get(l).w()).isDeepEqualTo(m.head().layers().get(l).w());
            assertThat(soup.head().layers().get(l).b()).containsExactly(m.head().layers().get(l).b());
        }
        float[][] a = soup.predictProba(VAL);
        float[][] b = m.predictProba(VAL);
        assertThat(a).isDeepEqualTo(b);
        // and the Java forward pass agrees with the head's own DJL prediction
        float[][] djl = m.head().predictProba(VAL);
        for (int i = 0; i < VAL.rows(); i++) {
            for (int c = 0; c < 3; c++) {
                assertThat(b[i][c]).isCloseTo(djl[i][c], within(1e-5f));
            }
        }
    }

    private static double distance(Member a, Member b) {
        double s = 0;
        float[][] wa = a.head().layers().get(0).w();
        float[][] wb = b.head().layers().get(0).w();
        for (int o = 0; o < wa.length; o++) {
            for (int i = 0; i < wa[o].length; i++) {
                s += (wa[o][i] - wb[o][i]) * (wa[o][i] - wb[o][i]);
            }
        }
        return Math.sqrt(s);
    }
}
