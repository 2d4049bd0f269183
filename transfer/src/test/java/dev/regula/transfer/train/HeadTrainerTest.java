package dev.regula.transfer.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import dev.regula.transfer.features.FeatureMatrix;
import dev.regula.transfer.head.HeadActivation;
import dev.regula.transfer.head.HeadSpec;
import dev.regula.transfer.head.LayerWeights;
import dev.regula.transfer.regularize.DropoutSpec;
import dev.regula.transfer.regularize.RegularizationSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HeadTrainerTest {

    @Test
    void engineIsPyTorchLoadedOffline() {
        assertThat(System.getProperty("ai.djl.offline")).isEqualTo("true");
        assertThat(Engine.getInstance().getEngineName()).isEqualTo("PyTorch");
    }

    @Test
    void linearHeadLearnsBlobs(@TempDir Path dir) throws Exception {
        FeatureMatrix train = TestData.blobs(1, 120, 6, 3);
        FeatureMatrix val = TestData.blobs(2, 60, 6, 3);
        TrainedHead head = HeadTrainer.train(train, val, 3, HeadSpec.linear(), RegularizationSpec.none(),
                TrainingSpec.adam(0.05, 16, 30, 7));
        assertThat(head.history().best().valAccuracy()).isGreaterThan(0.85);
        float[][] p = head.predictProba(val);
        assertThat(p).hasNumberOfRows(60);
        for (float[] row : p) {
            assertThat(row).hasSize(3);
            float s = row[0] + row[1] + row[2];
            assertThat(s).isBetween(0.9999f, 1.0001f);
        }
        assertThat(Metrics.of(p, val.labels()).accuracy()).isEqualTo(head.history().best().valAccuracy());
        Path json = dir.resolve("history.json");
        head.history().writeJson(json);
        assertThat(TrainingHistory.readJson(json)).isEqualTo(head.history());
        assertThat(Files.readString(json)).contains("\"val_macro_f1\"", "\"gap_accuracy\"", "\"weight_norms\"", "\"best_epoch\"");
    }

    @Test
    void mlpHeadsWithEachActivationTrain() {
        FeatureMatrix train = TestData.blobs(3, 90, 5, 2);
        for (HeadActivation a : HeadActivation.values()) {
            TrainedHead head = HeadTrainer.train(train, train, 2, HeadSpec.mlp(a, 8, 4), RegularizationSpec.none(),
                    TrainingSpec.adam(0.02, 16, 20, 3));
            assertThat(head.layers()).extracting(LayerWeights::out).containsExactly(8, 4, 2);
            assertThat(head.history().best().trainAccuracy()).as(a.yamlName()).isGreaterThan(0.9);
        }
    }

    @Test
    void sameSeedGivesBitIdenticalWeightsAndDifferentSeedDiffers() {
        FeatureMatrix train = TestData.blobs(4, 80, 10, 3);
        RegularizationSpec reg = RegularizationSpec.builder().dropout(DropoutSpec.of(DropoutSpec.Kind.STANDARD, 0.3, 0.1))
                .weightDecay(0.01).build();
        TrainingSpec spec = TrainingSpec.adam(0.01, 8, 5, 42);
        HeadSpec mlp = HeadSpec.mlp(HeadActivation.GELU, 16);
        TrainedHead a = HeadTrainer.train(train, null, 3, mlp, reg, spec);
        TrainedHead b = HeadTrainer.train(train, null, 3, mlp, reg, spec);
        TrainedHead c = HeadTrainer.train(train, null, 3, mlp, reg, spec.withSeed(43));
        for (int l = 0; l < a.layers().size(); l++) {
            assertThat(a.layers().get(l).flatW()).containsExactly(b.layers().get(l).flatW());
            assertThat(a.layers().get(l).b()).containsExactly(b.layers().get(l).b());
        }
        assertThat(a.layers().get(0).flatW()).isNotEqualTo(c.layers().get(0).flatW());
    }

    @Test
    void gpuWithoutOneIsAClearError() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Engine.getInstance().getGpuCount() == 0);
        FeatureMatrix train = TestData.blobs(5, 20, 3, 2);
        assertThatThrownBy(() -> HeadTrainer.train(train, null, 2, HeadSpec.linear(), RegularizationSpec.none(),
                TrainingSpec.adam(0.01, 8, 1, 1).withDevice(TrainingSpec.DeviceChoice.GPU)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("device: gpu");
        TrainedHead auto = HeadTrainer.train(train, null, 2, HeadSpec.linear(), RegularizationSpec.none(),
                TrainingSpec.adam(0.01, 8, 1, 1).withDevice(TrainingSpec.DeviceChoice.AUTO));
        assertThat(auto.classes()).isEqualTo(2);
    }
}
