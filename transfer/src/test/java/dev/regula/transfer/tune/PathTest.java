package dev.regula.transfer.tune;

import static org.assertj.core.api.Assertions.assertThat;

import dev.regula.transfer.features.FeatureMatrix;
import dev.regula.transfer.head.HeadSpec;
import dev.regula.transfer.head.LayerWeights;
import dev.regula.transfer.regularize.RegularizationSpec;
import dev.regula.transfer.train.HeadTrainer;
import dev.regula.transfer.train.Metrics;
import dev.regula.transfer.train.TestData;
import dev.regula.transfer.train.TrainedHead;
import dev.regula.transfer.train.TrainingSpec;
import dev.regula.transfer.tune.path.LogisticSolver;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PathTest {

    @Test
    void l1PathRecoversTheSupportAtTheOneSeChoice() throws Exception {
        // 4 informative features among 40; 300 train + 100 val rows.
        FeatureMatrix train = TestData.sparseSignal(1, 300, 40, 4, 0.6);
        FeatureMatrix val = TestData.sparseSignal(2, 100, 40, 4, 0.6);
        SearchSpace space = SearchSpace.of(new SearchSpace.Dim(Knob.L1, new Range.Path(30)));
        TuneSpec spec = TuneSpec.of(TuneSpec.Strategy.PATH, 5).withThreads(2);
        TuneResult r = Tuner.tune(new TuneRequest(train, val, null, 2, HeadSpec.linear(), RegularizationSpec.none(),
                TrainingSpec.adam(0.01, 32, 10, 1), space, spec, false, null), TrialLog.none());
        assertThat(r.trials()).hasSize(30);
        // The first strength is λ_max: every weight is zero there on the full data, so CV NLL is about log 2.
        TrialResult first = r.trials().stream().max(java.util.Comparator.comparingDouble(t -> t.config().value(Knob.L1)))
                .orElseThrow();
        assertThat(first.meanValNll()).isBetween(0.66, 0.72);
        LayerWeights w = r.refit().layers().get(0);
        List<Integer> support = new ArrayList<>();
        for (int j = 0; j < 40; j++) {
            if (w.w()[1][j] != 0f) {
                support.add(j);
            }
        }
        assertThat(support).containsExactly(0, 1, 2, 3);
        assertThat(r.selection().winner().config().value(Knob.L1))
                .isGreaterThan(r.selection().minTrial().config().value(Knob.L1));
        assertThat(r.trials()).allSatisfy(t -> assertThat(java.util.Arrays.stream(t.oof())).allSatisfy(row -> assertThat(row).hasSize(2)));
        // The refit is an ordinary head: DJL inference gives its probabilities.
        TrainedHead head = r.refit();
        assertThat(Metrics.of(head.predictProba(val), val.labels()).accuracy()).isGreaterThan(0.8);
    }

    @Test
    void solverAgreesWithTheSgdTrainerOnTheSameObjective() {
        FeatureMatrix train = TestData.sparseSignal(3, 200, 6, 3, 0.5);
        double l2 = 0.01;
        double[] theta;
        try (LogisticSolver s = new LogisticSolver(train, 2)) {
            LogisticSolver.Solution sol = s.solve(0, l2, s.interceptOnly(), 1e-6, 500);
            assertThat(sol.converged()).isTrue();
            theta = sol.theta();
            TrainedHead sgd = HeadTrainer.train(train, null, 2, HeadSpec.linear(), RegularizationSpec.builder().l2(l2).build(),
                    TrainingSpec.adam(0.05, 200, 400, 1));
            LayerWeights lw = s.layer(theta);
            LayerWeights other = sgd.layers().get(0);
            for (int j = 0; j < 6; j++) {
                assertThat((double) lw.w()[1][j] - lw.w()[0][j])
                        .isCloseTo((double) other.w()[1][j] - other.w()[0][j], org.assertj.core.api.Assertions.within(0.02));
            }
        }
    }

    @Test
    void multinomialL2PathRuns() throws Exception {
        FeatureMatrix train = TestData.blobs(4, 90, 5, 3);
        FeatureMatrix val = TestData.blobs(5, 30, 5, 3);
        SearchSpace space = SearchSpace.of(new SearchSpace.Dim(Knob.ELASTIC_NET_ALPHA, new Range.Path(8)),
                new SearchSpace.Dim(Knob.ELASTIC_NET_L1_RATIO, new Range.Choice(List.of(0.0, 0.5))));
        TuneResult r = Tuner.tune(new TuneRequest(train, val, null, 3, HeadSpec.linear(), RegularizationSpec.none(),
                TrainingSpec.adam(0.01, 32, 10, 1), space, TuneSpec.of(TuneSpec.Strategy.PATH, 2).withFolds(3), false, null),
                TrialLog.none());
        assertThat(r.trials()).hasSize(16);
        assertThat(r.refit().layers().get(0).out()).isEqualTo(3);
        assertThat(r.selection().winner().meanValNll()).isLessThan(0.5);
    }
}
