package dev.regula.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.regula.models.Hashing;
import dev.regula.pipeline.run.RunRequest;
import dev.regula.pipeline.run.RunResult;
import dev.regula.pipeline.run.StageName;
import dev.regula.pipeline.run.TinyInputs;
import dev.regula.pipeline.spec.Sections;
import dev.regula.pipeline.stage.Pipeline;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code regula-spark run}: the whole pipeline with features on an embedded Spark, and its arguments. */
class RegulaSparkTest {
    @Test
    void runOnSparkExportsTheModelTheLocalRunExports(@TempDir Path dir) throws Exception {
        TinyInputs.write(dir, 21);
        Path spec = TinyInputs.writeSpec(dir, TinyInputs.spec());
        RunResult local = Pipeline.run(new RunRequest(spec, dir.resolve("work-local"), null, false, null));

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        // starts (and stops) its own session: the only one in this test class
        int code = RegulaSpark.run(new String[] {"run", spec.toString(), "--master", "local[2]", "--work",
            dir.resolve("work-spark").toString()}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("features (spark local[2])").contains("model: ");
        Path model = dir.resolve("work-spark").resolve(local.work().relativize(local.model()));
        assertThat(Hashing.sha256(model)).isEqualTo(Hashing.sha256(local.model()));
        assertThat(Files.readAllBytes(dir.resolve("work-spark/features/store/train.f32")))
                .isEqualTo(Files.readAllBytes(dir.resolve("work-local/features/store/train.f32")));
    }

    @Test
    void argumentsAreParsedAndBadOnesNamed() {
        RegulaSpark.Args a = RegulaSpark.Args.parse(new String[] {"run", "p.yaml", "--master", "local[2]", "--from", "train",
            "--force"});
        assertThat(a.spec()).isEqualTo(Path.of("p.yaml"));
        assertThat(a.master()).isEqualTo("local[2]");
        assertThat(a.from()).isEqualTo(StageName.TRAIN);
        assertThat(a.force()).isTrue();
        assertThatThrownBy(() -> RegulaSpark.Args.parse(new String[] {"run", "p.yaml", "--master"}))
                .hasMessageContaining("--master needs a value");
        assertThatThrownBy(() -> RegulaSpark.Args.parse(new String[] {"run", "p.yaml", "--engine", "spark"}))
                .hasMessageContaining("unknown argument '--engine'");
        assertThatThrownBy(() -> RegulaSpark.Args.parse(new String[] {"tune"})).hasMessageContaining("'run'");
    }

    @Test
    void sessionSettingsComeFromTheCommandLineThenSparkSubmitThenTheSpec() {
        Sections.Spark section = new Sections.Spark("local[3]", "spam", Map.of("spark.ui.enabled", "false"));
        RegulaSpark.Args withMaster = RegulaSpark.Args.parse(new String[] {"run", "p.yaml", "--master", "local[2]"});
        RegulaSpark.Args plain = RegulaSpark.Args.parse(new String[] {"run", "p.yaml"});
        assertThat(RegulaSpark.settings(withMaster, section, k -> null)).containsEntry("spark.master", "local[2]")
                .containsEntry("spark.app.name", "spam").containsEntry("spark.ui.enabled", "false");
        assertThat(RegulaSpark.settings(plain, section, k -> null)).containsEntry("spark.master", "local[3]");
        Map<String, String> submitted = Map.of("spark.master", "yarn", "spark.ui.enabled", "true");
        assertThat(RegulaSpark.settings(plain, section, submitted::get)).doesNotContainKeys("spark.master", "spark.ui.enabled");
        assertThat(RegulaSpark.settings(plain, null, k -> null)).containsExactly(Map.entry("spark.app.name", "regula p.yaml"));
    }
}
