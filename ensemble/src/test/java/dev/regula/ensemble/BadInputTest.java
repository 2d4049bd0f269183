package dev.regula.ensemble;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.regula.transfer.features.FeatureMatrix;
import dev.regula.transfer.head.HeadActivation;
import dev.regula.transfer.head.HeadSpec;
import dev.regula.transfer.regularize.RegularizationSpec;
import dev.regula.transfer.train.TrainingSpec;
import java.nio.FloatBuffer;
import java.util.BitSet;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every bad input is a checked EnsembleException that says what was wrong. */
class BadInputTest {
    static final List<String> ABC = List.of("a", "b", "c");
    static final TrainingSpec ONE_EPOCH = TrainingSpec.adam(0.02, 16, 1, 0);
    static Member linear8;
    static Member mlp8;
    static Member linear5;

    @BeforeAll
    static void members() throws Exception {
        FeatureMatrix train = Data.blobs(1, 30, 8, 3, 2);
        linear8 = new MemberFactory(train, null, ABC).seeds(HeadSpec.linear(), RegularizationSpec.none(), ONE_EPOCH, 1).get(0);
        mlp8 = new MemberFactory(train, null, ABC).seeds(HeadSpec.mlp(HeadActivation.RELU, 4), RegularizationSpec.none(), ONE_EPOCH, 1)
                .get(0);
        linear5 = new MemberFactory(Data.blobs(1, 30, 5, 3, 2), null, ABC).seeds(HeadSpec.linear(), RegularizationSpec.none(), ONE_EPOCH, 2)
                .get(0);
    }

    private static Member renamed(Member m, String name, List<String> classes) {
        return new Member(name, m.head(), classes, null, null, m.origin());
    }

    @Test
    void membersWithOtherClassesOrOrderOrDimsAreRefused() {
        assertThatThrownBy(() -> Ensemble.of(List.of(linear8, renamed(linear8, "other", List.of("a", "b", "d"))), new MeanCombiner()))
                .isInstanceOf(EnsembleException.class).hasMessageContaining("member other has classes [a, b, d]")
                .hasMessageContaining("same classes in the same order");
        assertThatThrownBy(() -> Ensemble.of(List.of(linear8, renamed(linear8, "swapped", List.of("b", "a", "c"))), new MeanCombiner()))
                .isInstanceOf(EnsembleException.class).hasMessageContaining("swapped").hasMessageContaining("[b, a, c]");
        assertThatThrownBy(() -> Ensemble.of(List.of(linear8, linear5), new MeanCombiner()))
                .isInstanceOf(EnsembleException.class).hasMessageContaining("dim 5").hasMessageContaining("expects 8");
        assertThatThrownBy(() -> Ensemble.of(List.of(linear8, linear8), new MeanCombiner()))
                .isInstanceOf(EnsembleException.class).hasMessageContaining("appears twice");
    }

    @Test
    void emptyMemberListIsRefused() {
        assertThatThrownBy(() -> Ensemble.of(List.of(), new MeanCombiner()))
                .isInstanceOf(EnsembleException.class).hasMessageContaining("member list is empty");
        assertThatThrownBy(() -> Soups.uniform(List.of())).isInstanceOf(EnsembleException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> WeightedMean.fit(new MemberPredictions(List.of(), new float[0][][], new int[0], List.of()),
                WeightedMean.Penalty.L2, 1)).isInstanceOf(EnsembleException.class).hasMessageContaining("no members");
    }

    @Test
    void weightsThatAreNotADistributionAreRefused() throws Exception {
        assertThatThrownBy(() -> WeightedMean.of(0.5, 0.6)).isInstanceOf(EnsembleException.class)
                .hasMessageContaining("sum to 1.1").hasMessageContaining("expected 1");
        assertThatThrownBy(() -> WeightedMean.of(Double.NaN, 1)).isInstanceOf(EnsembleException.class)
                .hasMessageContaining("weight 0 is NaN");
        assertThatThrownBy(() -> WeightedMean.of(-0.5, 1.5)).isInstanceOf(EnsembleException.class)
                .hasMessageContaining(">= 0");
        WeightedMean two = WeightedMean.of(0.25, 0.75);
        assertThatThrownBy(() -> Ensemble.of(List.of(linear8, renamed(linear8, "b", ABC), renamed(linear8, "c", ABC)), two))
                .isInstanceOf(EnsembleException.class).hasMessageContaining("fitted for 2 members, got 3");
    }

    @Test
    void degenerateValidationSplitsAreRefused() {
        MemberPredictions empty = new MemberPredictions(List.of("m0", "m1"), new float[][][] {new float[0][], new float[0][]}, new int[0],
                List.of(new BitSet(), new BitSet()));
        assertThatThrownBy(() -> WeightedMean.fit(empty, WeightedMean.Penalty.ENTROPY, 1))
                .isInstanceOf(EnsembleException.class).hasMessageContaining("0 rows");
        assertThatThrownBy(() -> CaruanaSelection.fit(empty, 5)).isInstanceOf(EnsembleException.class).hasMessageContaining("0 rows");
        assertThatThrownBy(() -> Stacking.fit(empty, new double[] {0.1}, 2, 1)).isInstanceOf(EnsembleException.class)
                .hasMessageContaining("0 rows");
        FeatureMatrix noRows = new FeatureMatrix(FloatBuffer.allocate(0), 0, 8, new int[0]);
        assertThatThrownBy(() -> Soups.greedy(List.of(linear8, renamed(linear8, "b", ABC)), noRows))
                .isInstanceOf(EnsembleException.class).hasMessageContaining("0 rows");

        int[] y = Data.labels(10, 3);
        float[][] nan = Data.noisyMember(1, y, 3, 0.5, 0.5f);
        nan[3][1] = Float.NaN;
        MemberPredictions withNan = new MemberPredictions(List.of("ok", "broken"), new float[][][] {Data.noisyMember(2, y, 3, 0.5, 0.5f), nan},
                y, List.of(new BitSet(), new BitSet()));
        assertThatThrownBy(() -> WeightedMean.fit(withNan, WeightedMean.Penalty.L2, 0))
                .isInstanceOf(EnsembleException.class).hasMessageContaining("member broken predicts NaN on row 3");

        BitSet all = new BitSet();
        all.set(0, 10);
        MemberPredictions allSeen = new MemberPredictions(List.of("m"), new float[][][] {Data.noisyMember(2, y, 3, 0.5, 0.5f)}, y,
                List.of(all));
        assertThatThrownBy(() -> Stacking.fit(allSeen, new double[] {0.1}, 2, 1)).isInstanceOf(EnsembleException.class)
                .hasMessageContaining("trained on by every member");
        assertThatThrownBy(() -> WeightedMean.fit(allSeen, WeightedMean.Penalty.L2, 1)).isInstanceOf(EnsembleException.class)
                .hasMessageContaining("held-out split");
        assertThatThrownBy(() -> Stacking.fit(new MemberPredictions(List.of("m"), new float[][][] {Data.noisyMember(2, y, 3, 0.5, 0.5f)},
                y, List.of(new BitSet())), new double[] {0.1, 1}, 11, 1)).isInstanceOf(EnsembleException.class)
                .hasMessageContaining("folds must be in [2, 10]");
    }

    @Test
    void soupOfDifferentShapesOrStartPointsIsRefused() {
        assertThatThrownBy(() -> Soups.uniform(List.of(linear8, renamed(mlp8, "mlp", ABC))))
                .isInstanceOf(EnsembleException.class).hasMessageContaining("member mlp has shape 8-4-3/relu")
                .hasMessageContaining("8-3");
        Member elsewhere = new Member("elsewhere", linear8.head(), ABC, null, null, "seed:99");
        assertThatThrownBy(() -> Soups.uniform(List.of(linear8, elsewhere)))
                .isInstanceOf(EnsembleException.class).hasMessageContaining("shared start point");
    }
}
