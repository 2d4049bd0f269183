package dev.regula.transfer.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.regula.transfer.features.FeatureMatrix;
import dev.regula.transfer.head.HeadActivation;
import dev.regula.transfer.head.HeadSpec;
import dev.regula.transfer.regularize.DropoutSpec;
import dev.regula.transfer.regularize.EarlyStoppingSpec;
import dev.regula.transfer.regularize.RegularizationSpec;
import org.junit.jupiter.api.Test;

class TrainingRunTest {

    /**
     * Halving's continuation rests on this: pausing at an epoch and continuing later (Adam moments, the
     * cosine schedule's step, shuffles, dropout noise and the early-stopping state carried over) gives the
     * bytes of one uninterrupted run. Dropout, decoupled decay and a cosine schedule make every carried
     * piece matter: dropping any of them changes the weights.
     */
    @Test
    void pausedAndContinuedEqualsUninterrupted() {
        FeatureMatrix train = TestData.blobs(4, 80, 10, 3);
        FeatureMatrix val = TestData.blobs(5, 40, 10, 3);
        RegularizationSpec reg = RegularizationSpec.builder().dropout(DropoutSpec.of(DropoutSpec.Kind.STANDARD, 0.3, 0.1))
                .weightDecay(0.01).earlyStopping(new EarlyStoppingSpec(EarlyStoppingSpec.Metric.VAL_LOSS, 50, 0.0)).build();
        TrainingSpec spec = TrainingSpec.adam(0.01, 8, 9, 42).withSchedule(TrainingSpec.Schedule.COSINE, 4, 1, 0.5);
        HeadSpec mlp = HeadSpec.mlp(HeadActivation.GELU, 16);
        TrainedHead whole = HeadTrainer.train(train, val, 3, mlp, reg, spec);
        TrainedHead atThree;
        TrainedHead continued;
        try (TrainingRun run = TrainingRun.start(train, val, 3, mlp, reg, spec)) {
            assertThat(run.advance(3)).isEqualTo(3);
            atThree = run.result();
            assertThat(run.advance(3)).isZero();
            assertThat(run.advance(7)).isEqualTo(4);
            assertThat(run.advance(100)).isEqualTo(2);
            assertThat(run.finished()).isTrue();
            continued = run.result();
        }
        assertThat(atThree.history().epochs()).hasSize(3);
        assertThat(continued.history()).isEqualTo(whole.history());
        for (int l = 0; l < whole.layers().size(); l++) {
            assertThat(continued.layers().get(l).flatW()).containsExactly(whole.layers().get(l).flatW());
            assertThat(continued.layers().get(l).b()).containsExactly(whole.layers().get(l).b());
        }
        // The first three epochs are a prefix of the full run (the schedule spans all 9 epochs).
        assertThat(atThree.history().epochs()).isEqualTo(whole.history().epochs().subList(0, 3));
    }
}
