package dev.regula.pipeline.stage.features;

import static org.assertj.core.api.Assertions.assertThat;

import dev.regula.transfer.features.FeatureJobResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** FeatureJob.run (behind {@code regula features}) after its split into run + extractTo. */
class FeaturesStepTest {
    @TempDir
    Path dir;

    @Test
    void extractsOnceThenIsUpToDate() throws Exception {
        dev.regula.pipeline.run.TinyInputs.write(dir, 5);
        FeaturesStep.Request r = new FeaturesStep.Request(dir.resolve("backbone.onnx").toString(), dir.resolve("tokenizer.json").toString(),
                null, "mean", true, null, 16, true, dir.resolve("data.jsonl"), null, "text", "label", null, null, "fail",
                List.of(0.6, 0.2, 0.2), false, 3, 16, 1, false, dir.resolve("out"));
        FeatureJobResult first = FeaturesStep.run(r);
        assertThat(first.upToDate()).isFalse();
        assertThat(first.rows()).containsOnlyKeys("train", "val", "test");
        assertThat(first.rows().values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(240);
        assertThat(first.dim()).isEqualTo(8);
        assertThat(first.labels()).containsExactly("ham", "spam");
        byte[] features = Files.readAllBytes(first.store().resolve("train.f32"));
        FeatureJobResult second = FeaturesStep.run(r);
        assertThat(second.upToDate()).isTrue();
        assertThat(Files.readAllBytes(second.store().resolve("train.f32"))).isEqualTo(features);
    }
}
