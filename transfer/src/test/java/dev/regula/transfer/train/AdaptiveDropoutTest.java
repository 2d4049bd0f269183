package dev.regula.transfer.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.regula.transfer.features.FeatureMatrix;
import dev.regula.transfer.head.HeadActivation;
import dev.regula.transfer.head.HeadSpec;
import dev.regula.transfer.head.LayerWeights;
import dev.regula.transfer.regularize.DropoutSpec;
import dev.regula.transfer.regularize.RegularizationSpec;
import org.junit.jupiter.api.Test;

/** The adaptive regularizers change with the data. */
class AdaptiveDropoutTest {

    @Test
    void concreteDropoutLearnsItsRate() {
        FeatureMatrix train = TestData.sparseSignal(31, 200, 20, 3, 1.0);
        DropoutSpec concrete = new DropoutSpec(DropoutSpec.Kind.CONCRETE, 0.2, 0.1, 0.1, 1e-4, 1e-2, null, null);
        TrainedHead head = HeadTrainer.train(train, train, 2, HeadSpec.mlp(HeadActivation.RELU, 32),
                RegularizationSpec.builder().dropout(concrete).build(), TrainingSpec.adam(0.05, 32, 30, 3));
        double[] rates = head.dropoutRates();
        assertThat(rates).hasSize(2);
        assertThat(Math.abs(rates[0] - 0.1)).isGreaterThan(0.01);
        assertThat(Math.abs(rates[1] - 0.2)).isGreaterThan(0.01);
        assertThat(head.history().epochs().get(0).dropoutRates().get(1))
                .isNotEqualTo(head.history().epochs().get(29).dropoutRates().get(1));
    }

    private static TrainedHead variational(FeatureMatrix train) {
        return HeadTrainer.train(train, null, 2, HeadSpec.linear(),
                RegularizationSpec.builder().dropout(DropoutSpec.of(DropoutSpec.Kind.VARIATIONAL, 0, 0)).build(),
                TrainingSpec.adam(0.05, 32, 150, 5).withSchedule(TrainingSpec.Schedule.COSINE, 0, 0, 0.1));
    }

    private static double unusedFeatures(TrainedHead head) {
        float[][] w = head.layers().get(0).w();
        int unused = 0;
        for (int j = 0; j < w[0].length; j++) {
            if (w[0][j] == 0 && w[1][j] == 0) {
                unused++;
            }
        }
        return (double) unused / w[0].length;
    }

    @Test
    void variationalDropoutPrunesNoiseFeaturesAndKeepsInformativeOnes() {
        int d = 20;
        int informative = 3;
        TrainedHead onNoise = variational(TestData.noise(41, 200, d, 2));
        TrainedHead onSignal = variational(TestData.sparseSignal(42, 200, d, informative, 1.5));
        TrainedHead allInformative = variational(TestData.sparseSignal(43, 200, d, d, 0.5));
        // The two softmax rows are redundant (only their difference matters), so a feature counts
        // as used when either row keeps its weight.
        assertThat(onNoise.sparsity()).isGreaterThan(0.5);
        assertThat(unusedFeatures(onNoise)).isGreaterThan(0.5);
        assertThat(unusedFeatures(allInformative)).isLessThanOrEqualTo(0.15);
        // Mixed: the noise features' weights go, each informative feature keeps a weight.
        LayerWeights w = onSignal.layers().get(0);
        int prunedNoise = 0;
        for (int j = 0; j < d; j++) {
            boolean kept = w.w()[0][j] != 0 || w.w()[1][j] != 0;
            if (j < informative) {
                assertThat(kept).as("informative feature %d kept", j).isTrue();
            } else {
                prunedNoise += (w.w()[0][j] == 0 ? 1 : 0) + (w.w()[1][j] == 0 ? 1 : 0);
            }
        }
        assertThat(prunedNoise / (2.0 * (d - informative))).isGreaterThan(0.9);
        assertThat(onSignal.history().best().prunedFraction()).isCloseTo(onSignal.sparsity(), org.assertj.core.api.Assertions.within(1e-6));
    }
}
