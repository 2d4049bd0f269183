package dev.regula.transfer.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class TrainingSpecTest {

    @Test
    void warmUpThenCosineAndStepSchedules() {
        TrainingSpec cosine = TrainingSpec.adam(0.1, 10, 10, 0).withSchedule(TrainingSpec.Schedule.COSINE, 4, 0, 0.1);
        // 10 epochs x 10 steps; warm-up over 4 steps: 0.025, 0.05, 0.075, 0.1.
        assertThat(cosine.learningRateAt(0, 10)).isCloseTo(0.025, within(1e-12));
        assertThat(cosine.learningRateAt(3, 10)).isCloseTo(0.1, within(1e-12));
        assertThat(cosine.learningRateAt(4, 10)).isCloseTo(0.1, within(1e-12));
        assertThat(cosine.learningRateAt(4 + 48, 10)).isCloseTo(0.05, within(1e-12)); // halfway through 96 steps
        assertThat(cosine.learningRateAt(100, 10)).isCloseTo(0.0, within(1e-12));
        TrainingSpec step = TrainingSpec.adam(0.1, 10, 10, 0).withSchedule(TrainingSpec.Schedule.STEP, 0, 3, 0.5);
        assertThat(step.learningRateAt(29, 10)).isCloseTo(0.1, within(1e-12));
        assertThat(step.learningRateAt(30, 10)).isCloseTo(0.05, within(1e-12));
        assertThat(step.learningRateAt(65, 10)).isCloseTo(0.025, within(1e-12));
    }

    @Test
    void badValuesNameTheirKey() {
        assertThatThrownBy(() -> TrainingSpec.adam(0, 8, 1, 0)).hasMessageContaining("learning_rate");
        assertThatThrownBy(() -> TrainingSpec.adam(0.1, 0, 1, 0)).hasMessageContaining("batch_size must be >= 1, got 0");
        assertThatThrownBy(() -> TrainingSpec.adam(0.1, 8, 1, 0).withOptimizer(TrainingSpec.Optimizer.SGD, 1.0))
                .hasMessageContaining("momentum must be in [0, 1)");
        assertThatThrownBy(() -> TrainingSpec.Optimizer.of("rmsprop")).hasMessageContaining("expected one of [adam, adamw, sgd]");
    }
}
