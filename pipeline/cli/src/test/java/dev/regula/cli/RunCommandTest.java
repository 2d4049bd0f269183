package dev.regula.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.regula.models.ElemType;
import dev.regula.models.GraphBuilder;
import dev.regula.models.OnnxRef;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunCommandTest {
    @TempDir
    static Path dir;

    private static final String SPEC = """
            seed: 5
            backbone: {model: numeric.onnx, pooling: none}
            data: {path: data.csv, format: numeric-csv}
            heads:
              - {name: lin, kind: linear, training: {learning_rate: 0.05, epochs: 5, batch_size: 16}}
            validate: {latency_samples: 3, gates: {%s}}
            """;

    /** A numeric backbone y = x·W (3 → 4) built with GraphBuilder, and two separable classes. */
    @BeforeAll
    static void inputs() throws Exception {
        Random r = new Random(3);
        GraphBuilder g = GraphBuilder.create("tiny_numeric");
        OnnxRef x = g.input("x", ElemType.FLOAT, "batch", 3L);
        float[][] w = new float[3][4];
        for (float[] row : w) {
            for (int j = 0; j < 4; j++) {
                row[j] = (float) r.nextGaussian();
            }
        }
        g.output(g.matMul(x, g.initializer("W", w)), "y", ElemType.FLOAT, "batch", 4L);
        g.build().write(dir.resolve("numeric.onnx"));
        StringBuilder csv = new StringBuilder("a,b,c,label\n");
        for (int i = 0; i < 160; i++) {
            int c = i % 2;
            csv.append(String.format(java.util.Locale.ROOT, "%.4f,%.4f,%.4f,%s%n", r.nextGaussian() + 3 * c,
                    r.nextGaussian() - 2 * c, r.nextGaussian(), c == 0 ? "neg" : "pos"));
        }
        Files.writeString(dir.resolve("data.csv"), csv);
    }

    private static CliRun run(String... args) {
        return CliRun.run(args);
    }

    private static Path spec(String name, String yaml) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, yaml);
        return f;
    }

    @Test
    void runsThenSaysUpToDateAndExitsZero() throws Exception {
        Path spec = spec("ok.yaml", SPEC.formatted("min_accuracy: 0.5"));
        Path work = dir.resolve("work-ok");
        CliRun first = run("run", spec.toString(), "--work", work.toString());
        assertThat(first.code()).as(first.err()).isEqualTo(0);
        assertThat(first.out()).contains("train: running", "validate: done").contains("model: " + work.resolve("export/model.onnx"));
        CliRun second = run("run", spec.toString(), "--work", work.toString());
        assertThat(second.code()).isEqualTo(0);
        assertThat(second.out()).contains("import: up to date", "features: up to date", "validate: up to date");
        CliRun from = run("run", spec.toString(), "--work", work.toString(), "--from", "export");
        assertThat(from.out()).contains("train: up to date", "export: running");
        CliRun forced = run("run", spec.toString(), "--work", work.toString(), "--force");
        assertThat(forced.out()).contains("import: running").doesNotContain("up to date");
    }

    @Test
    void jsonPrintsOnlyTheSummaryOnStandardOutput() throws Exception {
        Path spec = spec("json.yaml", SPEC.formatted("min_accuracy: 0.5"));
        Path work = dir.resolve("work-json");
        CliRun r = run("run", spec.toString(), "--work", work.toString(), "--json");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).contains("train: running");
        var doc = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.out());
        assertThat(doc.at("/stages/train").asText()).isEqualTo("ran");
        assertThat(doc.at("/model").asText()).isEqualTo(work.resolve("export/model.onnx").toString());
        assertThat(doc.get("summary")).isEqualTo(new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(work.resolve("summary.json").toFile()));
        CliRun again = run("run", spec.toString(), "--work", work.toString(), "--json");
        assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(again.out()).at("/stages/validate").asText())
                .isEqualTo("up_to_date");
    }

    @Test
    void aSpecErrorExitsOneWithTheKeyPath() throws Exception {
        Path spec = spec("typo.yaml", SPEC.formatted("min_accuracy: 0.5").replace("training:", "trainng:"));
        CliRun r = run("run", spec.toString(), "--work", dir.resolve("work-typo").toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("heads[0].trainng: unknown key, did you mean 'training'?").doesNotContain("Exception");
    }

    @Test
    void aFailedGateExitsOneWithTheFigures() throws Exception {
        Path spec = spec("gate.yaml", SPEC.formatted("max_generalization_gap: -0.9"));
        CliRun r = run("run", spec.toString(), "--work", dir.resolve("work-gate").toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("validation gate failed: generalization gap (train - test accuracy)")
                .contains("> max_generalization_gap -0.9");
    }

    @Test
    void aBadCommandLineExitsTwo() throws Exception {
        Path spec = spec("ok2.yaml", SPEC.formatted("min_accuracy: 0.5"));
        assertThat(run("run", spec.toString(), "--from", "training").code()).isEqualTo(2);
        assertThat(run("run", spec.toString(), "--from", "training").err()).contains("unknown stage 'training'");
        assertThat(run("run", spec.toString(), "--bogus").code()).isEqualTo(2);
        assertThat(run("run").code()).isEqualTo(2);
    }

    @Test
    void theSparkEngineIsLeftToItsLauncher() throws Exception {
        Path spec = spec("ok4.yaml", SPEC.formatted("min_accuracy: 0.5"));
        CliRun spark = run("run", spec.toString(), "--engine", "spark", "--master", "local[2]");
        assertThat(spark.code()).isEqualTo(2);
        assertThat(spark.err()).contains("bin/regula").contains("docs/spark.md");
        assertThat(run("run", spec.toString(), "--engine", "flink").err()).contains("expected local or spark, got 'flink'");
        assertThat(run("run", spec.toString(), "--master", "local[2]").err()).contains("--master applies to --engine spark only");
        assertThat(Files.exists(dir.resolve("work-ok4"))).isFalse();
    }

    @Test
    void aWorkFolderThatIsAFileSaysWhatIsWrong() throws Exception {
        Path spec = spec("ok3.yaml", SPEC.formatted("min_accuracy: 0.5"));
        Path file = Files.writeString(dir.resolve("work-is-a-file"), "mine");
        CliRun r = run("run", spec.toString(), "--work", file.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("cannot prepare the work folder " + file + ": " + file + " exists and is not a folder")
                .doesNotContain("Exception");
        assertThat(Files.readString(file)).isEqualTo("mine");
    }

    @Test
    void validateGatesOutOfRangeAreRefusedBeforeAnythingRuns() {
        // neither file exists: the gate is checked first, before the model or the data is opened
        CliRun r = run("validate", dir.resolve("none.onnx").toString(), "--data", dir.resolve("none.jsonl").toString(),
                "--min-accuracy", "1.5");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("--min-accuracy 1.5: expected a number in [0, 1]").doesNotContain("Exception");
        assertThat(run("validate", "m.onnx", "--data", "d.jsonl", "--max-ece", "-0.1").err()).contains("--max-ece -0.1");
        assertThat(run("validate", "m.onnx", "--data", "d.jsonl", "--max-nll", "-1").err()).contains("--max-nll -1.0: expected a finite number >= 0");
    }
}
