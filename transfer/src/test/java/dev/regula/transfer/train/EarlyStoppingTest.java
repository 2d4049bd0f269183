package dev.regula.transfer.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.regula.transfer.features.FeatureMatrix;
import dev.regula.transfer.head.HeadActivation;
import dev.regula.transfer.head.HeadSpec;
import dev.regula.transfer.regularize.EarlyStoppingSpec;
import dev.regula.transfer.regularize.RegularizationSpec;
import org.junit.jupiter.api.Test;

class EarlyStoppingTest {

    @Test
    void restoresTheBestEpochsWeightsNotTheLast() {
        // Few rows, many noise features, a wide MLP and a high rate: val loss falls, then rises.
        FeatureMatrix train = TestData.sparseSignal(61, 40, 60, 2, 1.0);
        FeatureMatrix val = TestData.sparseSignal(62, 200, 60, 2, 1.0);
        HeadSpec mlp = HeadSpec.mlp(HeadActivation.RELU, 64);
        TrainingSpec spec = TrainingSpec.adam(0.01, 8, 60, 13);
        RegularizationSpec reg = RegularizationSpec.builder()
                .earlyStopping(new EarlyStoppingSpec(EarlyStoppingSpec.Metric.VAL_LOSS, 5, 0.0)).build();
        TrainedHead stopped = HeadTrainer.train(train, val, 2, mlp, reg, spec);
        TrainingHistory h = stopped.history();
        int k = h.bestEpoch();
        assertThat(h.stoppedEarly()).isTrue();
        assertThat(h.epochs()).hasSize(k + 5);
        assertThat(h.epochs().get(h.epochs().size() - 1).valLoss()).isGreaterThan(h.best().valLoss());
        for (EpochRecord r : h.epochs()) {
            assertThat(r.valLoss()).isGreaterThanOrEqualTo(h.best().valLoss());
        }
        // Epoch k's snapshot: the same seeded run cut at k epochs (constant rate, so the runs agree step by step).
        TrainedHead atK = HeadTrainer.train(train, val, 2, mlp, RegularizationSpec.none(), spec.withEpochs(k));
        for (int l = 0; l < 2; l++) {
            assertThat(stopped.layers().get(l).flatW()).containsExactly(atK.layers().get(l).flatW());
            assertThat(stopped.layers().get(l).b()).containsExactly(atK.layers().get(l).b());
        }
        assertThat(Metrics.of(stopped.predictProba(val), val.labels()).loss()).isCloseTo(h.best().valLoss(),
                org.assertj.core.api.Assertions.within(1e-5));
    }

    @Test
    void accuracyMetricIsMaximised() {
        FeatureMatrix train = TestData.sparseSignal(63, 40, 60, 2, 1.0);
        FeatureMatrix val = TestData.sparseSignal(64, 200, 60, 2, 1.0);
        RegularizationSpec reg = RegularizationSpec.builder()
                .earlyStopping(new EarlyStoppingSpec(EarlyStoppingSpec.Metric.VAL_ACCURACY, 4, 0.0)).build();
        TrainedHead head = HeadTrainer.train(train, val, 2, HeadSpec.linear(), reg, TrainingSpec.adam(0.05, 8, 40, 2));
        double best = head.history().best().valAccuracy();
        for (EpochRecord r : head.history().epochs().subList(0, head.history().bestEpoch())) {
            assertThat(r.valAccuracy()).isLessThanOrEqualTo(best);
        }
    }
}
