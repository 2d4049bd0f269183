package dev.regula.pipeline.stage.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.regula.transfer.features.FeatureMatrix;
import dev.regula.transfer.head.HeadActivation;
import dev.regula.transfer.head.HeadSpec;
import dev.regula.transfer.regularize.DropoutSpec;
import dev.regula.transfer.regularize.RegularizationSpec;
import dev.regula.transfer.train.HeadTrainer;
import dev.regula.transfer.train.TrainedHead;
import dev.regula.transfer.train.TrainingSpec;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HeadFileTest {
    @Test
    void aSavedHeadReloadsWithBitIdenticalWeightsAndPredictions(@TempDir Path dir) throws Exception {
        Random r = new Random(1);
        int n = 64;
        int d = 5;
        float[] x = new float[n * d];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % 3;
            for (int j = 0; j < d; j++) {
                x[i * d + j] = (float) (r.nextGaussian() + (j == y[i] ? 2 : 0));
            }
        }
        FeatureMatrix m = new FeatureMatrix(FloatBuffer.wrap(x), n, d, y);
        RegularizationSpec reg = RegularizationSpec.builder().dropout(DropoutSpec.of(DropoutSpec.Kind.STANDARD, 0.2, 0))
                .l2(1e-4).build();
        TrainedHead head = HeadTrainer.train(m, m, 3, HeadSpec.mlp(HeadActivation.GELU, 7), reg, TrainingSpec.adam(0.01, 16, 3, 9));
        Path f = dir.resolve("head.json");
        HeadFile.save(head, f);
        TrainedHead back = HeadFile.load(f);
        assertThat(back.spec()).isEqualTo(head.spec());
        assertThat(back.regularization()).isEqualTo(head.regularization());
        assertThat(back.training()).isEqualTo(head.training());
        assertThat(back.history()).isEqualTo(head.history());
        for (int l = 0; l < head.layers().size(); l++) {
            assertThat(back.layers().get(l).w()).isDeepEqualTo(head.layers().get(l).w());
            assertThat(back.layers().get(l).b()).isEqualTo(head.layers().get(l).b());
        }
        assertThat(back.predictProba(m)).isDeepEqualTo(head.predictProba(m));
        HeadFile.save(back, dir.resolve("again.json"));
        assertThat(Files.readAllBytes(dir.resolve("again.json"))).isEqualTo(Files.readAllBytes(f));
    }
}
