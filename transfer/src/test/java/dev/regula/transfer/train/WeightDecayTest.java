package dev.regula.transfer.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.regula.transfer.features.FeatureMatrix;
import dev.regula.transfer.head.HeadSpec;
import dev.regula.transfer.regularize.DecoupledWeightDecay;
import dev.regula.transfer.regularize.RegularizationSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Decoupled weight decay is not L2 in the loss. */
class WeightDecayTest {

    @Test
    void oneAdamStepWithZeroGradientShrinksByExactlyOneMinusLrTimesWd() {
        try (NDManager m = NDManager.newBaseManager()) {
            float[] start = {1f, -2f, 0.5f, 3f};
            NDArray w = m.create(start);
            ParameterUpdater adam = ParameterUpdater.of(TrainingSpec.adam(0.1, 1, 1, 0), m, List.of(w));
            double lr = 0.1;
            double wd = 0.05;
            adam.update(List.of(w), List.of(m.zeros(w.getShape())), new double[] {lr}, new boolean[] {true});
            new DecoupledWeightDecay(wd).apply(w, lr);
            float factor = (float) (1 - lr * wd);
            assertThat(w.toFloatArray()).containsExactly(start[0] * factor, start[1] * factor, start[2] * factor, start[3] * factor);
        }
    }

    private static double maxAbsDiff(TrainedHead a, TrainedHead b) {
        float[] x = a.layers().get(0).flatW();
        float[] y = b.layers().get(0).flatW();
        double d = 0;
        for (int i = 0; i < x.length; i++) {
            d = Math.max(d, Math.abs(x[i] - y[i]));
        }
        return d;
    }

    @Test
    void withAdamL2InTheLossAndDecoupledDecayGiveDifferentWeights() {
        FeatureMatrix train = TestData.blobs(11, 64, 8, 2);
        double lr = 0.05;
        double lambda = 0.01;
        // With SGD, decoupled decay wd and an L2 term λ = wd/2 agree to first order in lr.
        TrainingSpec sgd = TrainingSpec.adam(lr, 16, 10, 5).withOptimizer(TrainingSpec.Optimizer.SGD, 0);
        TrainingSpec adam = TrainingSpec.adam(lr, 16, 10, 5);
        RegularizationSpec l2 = RegularizationSpec.builder().l2(lambda).build();
        RegularizationSpec decay = RegularizationSpec.builder().weightDecay(2 * lambda).build();
        TrainedHead none = HeadTrainer.train(train, null, 2, HeadSpec.linear(), RegularizationSpec.none(), adam);
        TrainedHead sgdL2 = HeadTrainer.train(train, null, 2, HeadSpec.linear(), l2, sgd);
        TrainedHead sgdDecay = HeadTrainer.train(train, null, 2, HeadSpec.linear(), decay, sgd);
        TrainedHead adamL2 = HeadTrainer.train(train, null, 2, HeadSpec.linear(), l2, adam);
        TrainedHead adamW = HeadTrainer.train(train, null, 2, HeadSpec.linear(), decay,
                adam.withOptimizer(TrainingSpec.Optimizer.ADAMW, 0));
        double sgdGap = maxAbsDiff(sgdL2, sgdDecay);
        double adamGap = maxAbsDiff(adamL2, adamW);
        assertThat(sgdGap).isLessThan(1e-3);
        assertThat(adamGap).isGreaterThan(20 * sgdGap).isGreaterThan(1e-3);
        assertThat(maxAbsDiff(none, adamW)).isGreaterThan(1e-3);
        assertThat(adamW.layers().get(0).weightL2Norm()).isLessThan(none.layers().get(0).weightL2Norm());
    }
}
