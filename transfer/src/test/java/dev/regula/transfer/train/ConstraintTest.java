package dev.regula.transfer.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.regula.transfer.features.FeatureMatrix;
import dev.regula.transfer.head.HeadActivation;
import dev.regula.transfer.head.HeadSpec;
import dev.regula.transfer.head.LayerWeights;
import dev.regula.transfer.regularize.RegularizationSpec;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ConstraintTest {

    @Test
    void maxNormHoldsAfterEveryStep() {
        FeatureMatrix train = TestData.blobs(21, 64, 10, 3);
        double c = 0.5;
        AtomicInteger steps = new AtomicInteger();
        double[] unconstrainedMax = {0};
        StepListener check = (epoch, step, net) -> {
            steps.incrementAndGet();
            for (LayerWeights lw : net.inferenceWeights()) {
                for (float[] row : lw.w()) {
                    double n = 0;
                    for (float v : row) {
                        n += (double) v * v;
                    }
                    assertThat(Math.sqrt(n)).as("step %d", step).isLessThanOrEqualTo(c + 1e-5);
                }
            }
        };
        RegularizationSpec reg = RegularizationSpec.builder().maxNorm(c).build();
        TrainingSpec spec = TrainingSpec.adam(0.05, 16, 5, 9);
        HeadTrainer.train(train, null, 3, HeadSpec.mlp(HeadActivation.RELU, 12), reg, spec, check);
        assertThat(steps.get()).isEqualTo(5 * 4);
        // Without the constraint some unit exceeds c, so the check above is not vacuous.
        TrainedHead free = HeadTrainer.train(train, null, 3, HeadSpec.mlp(HeadActivation.RELU, 12), RegularizationSpec.none(), spec);
        for (LayerWeights lw : free.layers()) {
            for (float[] row : lw.w()) {
                double n = 0;
                for (float v : row) {
                    n += (double) v * v;
                }
                unconstrainedMax[0] = Math.max(unconstrainedMax[0], Math.sqrt(n));
            }
        }
        assertThat(unconstrainedMax[0]).isGreaterThan(c * 1.5);
    }
}
