package dev.regula.transfer.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.regula.transfer.features.FeatureMatrix;
import dev.regula.transfer.head.HeadActivation;
import dev.regula.transfer.head.HeadSpec;
import dev.regula.transfer.regularize.DropoutSpec;
import dev.regula.transfer.regularize.RegularizationSpec;
import org.junit.jupiter.api.Test;

/** On few rows and many noise features, regularization narrows the generalization gap. */
class GeneralizationTest {

    @Test
    void dropoutAndDecayGeneralizeBetterThanAnUnregularizedWideMlp() {
        FeatureMatrix train = TestData.sparseSignal(71, 60, 200, 4, 0.6);
        FeatureMatrix val = TestData.sparseSignal(72, 400, 200, 4, 0.6);
        HeadSpec wide = HeadSpec.mlp(HeadActivation.RELU, 256);
        TrainingSpec spec = TrainingSpec.adam(0.003, 16, 60, 17);
        TrainedHead plain = HeadTrainer.train(train, val, 2, wide, RegularizationSpec.none(), spec);
        TrainedHead regularized = HeadTrainer.train(train, val, 2, wide, RegularizationSpec.builder()
                .dropout(DropoutSpec.of(DropoutSpec.Kind.STANDARD, 0.5, 0.8)).weightDecay(2.0).build(), spec);
        EpochRecord p = plain.history().best();
        EpochRecord r = regularized.history().best();
        assertThat(p.trainAccuracy()).isEqualTo(1.0);
        assertThat(p.gapAccuracy()).isGreaterThan(0.2);
        assertThat(r.gapLoss()).isLessThan(p.gapLoss() - 0.2);
        assertThat(r.valLoss()).isLessThan(p.valLoss() - 0.05);
        assertThat(r.valAccuracy()).isGreaterThan(p.valAccuracy() + 0.04);
    }
}
