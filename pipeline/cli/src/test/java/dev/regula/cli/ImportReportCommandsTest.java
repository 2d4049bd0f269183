package dev.regula.cli;

import dev.regula.pipeline.run.TinyInputs;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.regula.models.OnnxModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code regula import} and {@code regula report} on explicit folders: the folders of a pipeline run
 * (tiny generated text backbone, two heads, a mean ensemble) given to the commands reproduce the
 * pipeline's import and report outputs byte for byte; the report also works from stage-command
 * outputs without a validate stage; bad inputs stop with exit 1 or 2 and name the option at fault.
 */
class ImportReportCommandsTest {
    @TempDir
    static Path dir;
    static Path work;
    static final ObjectMapper JSON = new ObjectMapper();

    private static CliRun run(String... args) {
        return CliRun.run(args);
    }

    private static String p(String name) {
        return dir.resolve(name).toString();
    }

    /** {@code regula features} on the {@code imp-f} import into {@code feat-f}, split 0.6/0.2/0.2 with {@code seed}. */
    private static CliRun featuresFromImport(String seed, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("features", "--feature-model", p("imp-f"), "--data", p("data.jsonl"),
                "--split", "0.6,0.2,0.2", "--seed", seed, "--threads", "1", "--out", p("feat-f")));
        args.addAll(List.of(more));
        return run(args.toArray(String[]::new));
    }

    private static String w(String stage) {
        return work.resolve(stage).toString();
    }

    @BeforeAll
    static void pipelineRun() throws Exception {
        TinyInputs.write(dir, 21);
        // absolute backbone paths, so the feature model records the same source string as `regula import` below
        Files.writeString(dir.resolve("pipeline.yaml"), """
                seed: 3
                backbone: {model: %s, tokenizer: %s, pooling: mean, l2_normalize: true, max_length: 16}
                data: {path: data.jsonl}
                split: {train: 0.6, val: 0.2, test: 0.2}
                features: {threads: 1}
                heads:
                  - {name: linear, kind: linear, training: {learning_rate: 0.05, epochs: 6, batch_size: 16}}
                  - name: mlp
                    kind: mlp
                    hidden_sizes: [8]
                    regularization: {dropout: {kind: standard, rate: 0.1}, weight_decay: 0.01}
                    training: {learning_rate: 0.02, epochs: 6, batch_size: 16}
                ensemble: {combiner: mean}
                validate:
                  latency_samples: 3
                  gates: {min_accuracy: 0.99, max_parity_error: 0.001}
                report: {title: "Tiny <ensemble> report"}
                """.formatted(p("backbone.onnx"), p("tokenizer.json")));
        work = dir.resolve("work");
        CliRun r = run("run", p("pipeline.yaml"), "--work", work.toString());
        assertThat(r.code()).as(r.err()).isIn(ExitCodes.OK, ExitCodes.FAILURE); // the 0.99 gate may fail; the report is still written
        assertThat(work.resolve("report/index.html")).isRegularFile();
    }

    @Test
    void importWritesThePipelinesFeatureModelBytes() throws Exception {
        CliRun r = run("import", "--backbone", p("backbone.onnx"), "--tokenizer", p("tokenizer.json"), "--max-length", "16",
                "--out", p("imp"), "--json");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(dir.resolve("imp/feature-model.onnx")).hasSameBinaryContentAs(work.resolve("import/feature-model.onnx"));
        assertThat(dir.resolve("imp/tokenizer.json")).hasSameBinaryContentAs(work.resolve("import/tokenizer.json"));
        JsonNode info = JSON.readTree(dir.resolve("imp/import.json").toFile());
        assertThat(info.at("/backbone/source").asText()).isEqualTo(p("backbone.onnx"));
        assertThat(info.at("/backbone/sha256").asText()).hasSize(64)
                .isEqualTo(OnnxModel.read(work.resolve("import/feature-model.onnx")).metadata().get("regula.backbone.sha256"));
        assertThat(info.at("/feature_model/dim").asInt()).isEqualTo(8);
        assertThat(info.at("/feature_model/pooling").asText()).isEqualTo("mean");
        assertThat(info.at("/tokenizer/max_length").asInt()).isEqualTo(16);
        assertThat(JSON.readTree(r.out()).get("out").asText()).isEqualTo(p("imp"));
        try (Stream<Path> s = Files.list(dir.resolve("imp"))) {
            assertThat(s.map(x -> x.getFileName().toString()))
                    .containsExactlyInAnyOrder("feature-model.onnx", "tokenizer.json", "import.json", ".regula-output");
        }

        // other settings: a different feature model; rerunning onto an earlier output replaces it
        CliRun max = run("import", "--backbone", p("backbone.onnx"), "--pooling", "max", "--no-l2", "--out", p("imp"));
        assertThat(max.code()).as(max.err()).isZero();
        assertThat(max.out()).contains("import: feature model of dim 8", "pooling max, L2 false", "tokenizer  none");
        assertThat(dir.resolve("imp/tokenizer.json")).doesNotExist();
        assertThat(OnnxModel.read(dir.resolve("imp/feature-model.onnx")).metadata()).containsEntry("regula.pooling", "max")
                .containsEntry("regula.l2_normalize", "false");
    }

    @Test
    void featuresOnAnImportedFeatureModelMatchThePipelinesStore() throws Exception {
        CliRun i = run("import", "--backbone", p("backbone.onnx"), "--tokenizer", p("tokenizer.json"), "--max-length", "16",
                "--out", p("imp-f"));
        assertThat(i.code()).as(i.err()).isZero();
        CliRun f = featuresFromImport("3", "--json");
        assertThat(f.code()).as(f.err()).isZero();
        assertThat(dir.resolve("feat-f/feature-model.onnx")).hasSameBinaryContentAs(work.resolve("import/feature-model.onnx"));
        assertThat(dir.resolve("feat-f/tokenizer.json")).hasSameBinaryContentAs(dir.resolve("tokenizer.json"));
        // the max length came from import.json; the store is the pipeline's (its manifest differs only in its timestamp)
        Path store = work.resolve("features/store");
        try (Stream<Path> s = Files.list(store)) {
            for (Path file : s.filter(x -> !x.getFileName().toString().equals("manifest.json")).toList()) {
                assertThat(dir.resolve("feat-f/store").resolve(file.getFileName())).as(file.toString()).hasSameBinaryContentAs(file);
            }
        }
        JsonNode mine = JSON.readTree(dir.resolve("feat-f/store/manifest.json").toFile());
        JsonNode theirs = JSON.readTree(store.resolve("manifest.json").toFile());
        for (String k : List.of("backboneSha256", "dataSha256", "encoderConfig", "labels", "splits")) {
            assertThat(mine.get(k)).as(k).isEqualTo(theirs.get(k));
        }
        assertThat(mine.at("/encoderConfig/tokenizer.max_length").asInt()).isEqualTo(16);
        assertThat(JSON.readTree(f.out()).get("up_to_date").asBoolean()).isFalse();
        // the same command again finds the store up to date and leaves it alone; other settings extract afresh
        long written = Files.getLastModifiedTime(dir.resolve("feat-f/store/manifest.json")).toMillis();
        CliRun again = featuresFromImport("3");
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(again.out()).contains("features: up to date");
        assertThat(Files.getLastModifiedTime(dir.resolve("feat-f/store/manifest.json")).toMillis()).isEqualTo(written);
        CliRun reseeded = featuresFromImport("4", "--json");
        assertThat(reseeded.code()).as(reseeded.err()).isZero();
        assertThat(JSON.readTree(reseeded.out()).get("up_to_date").asBoolean()).isFalse();
        assertThat(JSON.readTree(dir.resolve("feat-f/store/manifest.json").toFile()).at("/encoderConfig/split.seed").asText())
                .isEqualTo("4");
        CliRun back = featuresFromImport("3", "--json");
        assertThat(back.code()).as(back.err()).isZero();
        assertThat(JSON.readTree(back.out()).get("up_to_date").asBoolean()).isFalse();
        assertThat(JSON.readTree(dir.resolve("feat-f/store/manifest.json").toFile()).at("/encoderConfig/split.seed").asText())
                .isEqualTo("3");
        // another batch size is another store: it decides an int8 backbone's features (and others' last bits)
        CliRun batched = featuresFromImport("3", "--batch-size", "4", "--json");
        assertThat(JSON.readTree(batched.out()).get("up_to_date").asBoolean()).isFalse();
        CliRun auto = featuresFromImport("3", "--json");
        assertThat(JSON.readTree(auto.out()).get("up_to_date").asBoolean()).isFalse();
        // and train on it as on any features folder
        CliRun t = run("train", "--features", p("feat-f"), "--kind", "linear", "--epochs", "2", "--out", p("heads-f"));
        assertThat(t.code()).as(t.err()).isZero();

        CliRun both = run("features", "--feature-model", p("imp-f"), "--backbone", p("backbone.onnx"), "--data", p("data.jsonl"),
                "--out", p("f1"));
        assertThat(both.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(both.err()).contains("--backbone", "--feature-model", "mutually exclusive");
        assertThat(run("features", "--data", p("data.jsonl"), "--out", p("f1")).code()).isEqualTo(ExitCodes.USAGE);
        CliRun pooling = run("features", "--feature-model", p("imp-f"), "--pooling", "max", "--data", p("data.jsonl"),
                "--out", p("f1"));
        assertThat(pooling.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(pooling.err()).contains("--pooling: the feature model fixes it");
        CliRun mask = run("features", "--feature-model", p("imp-f"), "--mask-input", "attention_mask", "--data", p("data.jsonl"),
                "--out", p("f1"));
        assertThat(mask.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(mask.err()).contains("--mask-input: the feature model fixes it");
        CliRun noMask = run("features", "--backbone", p("backbone.onnx"), "--tokenizer", p("tokenizer.json"), "--mask-input",
                "no_such_input", "--data", p("data.jsonl"), "--out", p("nested/f1"));
        assertThat(noMask.code()).isEqualTo(ExitCodes.FAILURE);
        assertThat(noMask.err()).contains("no_such_input");
        assertThat(dir.resolve("nested")).as("the folders the failed run created").doesNotExist();
        CliRun missing = run("features", "--feature-model", w("train"), "--data", p("data.jsonl"), "--out", p("f1"));
        assertThat(missing.code()).isEqualTo(ExitCodes.FAILURE);
        assertThat(missing.err()).contains("--feature-model: " + w("train") + " holds no feature-model.onnx");
        CliRun notModel = run("features", "--feature-model", p("backbone.onnx"), "--data", p("data.jsonl"), "--out", p("f1"));
        assertThat(notModel.code()).isEqualTo(ExitCodes.FAILURE);
        assertThat(notModel.err()).contains("--feature-model: ", "not a Regula feature model");
        assertThat(dir.resolve("f1")).doesNotExist();
    }

    @Test
    void importRefusesBadInput() throws Exception {
        CliRun missing = run("import", "--backbone", p("nowhere.onnx"), "--out", p("i1"));
        assertThat(missing.code()).isEqualTo(ExitCodes.FAILURE);
        assertThat(missing.err()).contains("--backbone: ", "nowhere.onnx").doesNotContain("Exception");
        CliRun tensor = run("import", "--backbone", p("backbone.onnx"), "--feature-tensor", "no_such_tensor", "--out", p("i2"));
        assertThat(tensor.code()).isEqualTo(ExitCodes.FAILURE);
        assertThat(tensor.err()).contains("--backbone: ", "no_such_tensor");
        CliRun pooling = run("import", "--backbone", p("backbone.onnx"), "--pooling", "avg", "--out", p("i3"));
        assertThat(pooling.code()).isEqualTo(ExitCodes.FAILURE);
        assertThat(pooling.err()).contains("--pooling: ", "avg");
        CliRun mask = run("import", "--backbone", p("backbone.onnx"), "--mask-input", "mask", "--out", p("i4"));
        assertThat(mask.code()).isEqualTo(ExitCodes.FAILURE);
        assertThat(mask.err()).contains("'mask'");
        CliRun length = run("import", "--backbone", p("backbone.onnx"), "--max-length", "0", "--out", p("i5"));
        assertThat(length.err()).contains("--max-length: 0 is not a positive number");
        CliRun notModel = run("import", "--backbone", p("tokenizer.json"), "--out", p("i6"));
        assertThat(notModel.code()).isEqualTo(ExitCodes.FAILURE);
        CliRun occupied = run("import", "--backbone", p("backbone.onnx"), "--out", w("features"));
        assertThat(occupied.code()).isEqualTo(ExitCodes.FAILURE);
        assertThat(occupied.err()).contains("--out: " + w("features") + " is not empty and was not written by this command (it has no .regula-output marker naming feature-model.onnx)");
        for (String o : List.of("i1", "i2", "i3", "i4", "i5", "i6")) {
            assertThat(dir.resolve(o)).as(o).doesNotExist();
        }
        assertThat(run("import", "--out", p("u")).code()).isEqualTo(ExitCodes.USAGE);
        assertThat(run("import", "--backbone", p("backbone.onnx")).code()).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void reportOnTheWorkFoldersIsThePipelinesPage() throws Exception {
        CliRun r = run("report", "--features", w("features"), "--heads", w("train"), "--ensemble", w("ensemble"),
                "--model", w("export"), "--validation", w("validate"), "--title", "Tiny <ensemble> report",
                "--min-accuracy", "0.99", "--max-parity-error", "0.001", "--out", p("rep"), "--json");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(dir.resolve("rep/index.html")).hasSameBinaryContentAs(work.resolve("report/index.html"));
        JsonNode j = JSON.readTree(r.out());
        assertThat(j.get("exported").asText()).isEqualTo("ensemble");
        assertThat(j.get("validated").asBoolean()).isTrue();
        JsonNode v = JSON.readTree(work.resolve("validate/report.json").toFile());
        assertThat(j.at("/test/accuracy").asDouble()).isEqualTo(v.get("accuracy").asDouble());
        String page = Files.readString(dir.resolve("rep/index.html"));
        assertThat(page).contains("<title>Tiny &lt;ensemble&gt; report</title>", "Parity and latency per execution provider",
                "Ensemble (test split)", "Provenance (metadata of model.onnx)", "data:image/png;base64,");
    }

    @Test
    void reportWithoutValidationUsesTheJavaReferenceAndSaysSo() throws Exception {
        CliRun r = run("report", "--features", w("features"), "--heads", w("train"), "--ensemble", w("ensemble"),
                "--model", w("export") + "/model.onnx", "--min-accuracy", "0.5", "--out", p("rep-ref"), "--json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode j = JSON.readTree(r.out());
        assertThat(j.get("validated").asBoolean()).isFalse();
        assertThat(j.get("gate_failures")).isEmpty();
        // the Java reference on the stored features agrees with validate's ORT figures to float rounding
        JsonNode v = JSON.readTree(work.resolve("validate/report.json").toFile());
        assertThat(j.at("/test/accuracy").asDouble()).isEqualTo(v.get("accuracy").asDouble());
        assertThat(j.at("/test/nll").asDouble()).isCloseTo(v.get("nll").asDouble(), org.assertj.core.data.Offset.offset(1e-4));
        String page = Files.readString(dir.resolve("rep-ref/index.html"));
        assertThat(page).contains("<title>Regula report</title>", "Test figures (Java reference on the stored test features)",
                "Not shown: no validate stage output was given", "Ensemble (test split)", "<span class=\"ok\">all passed</span>")
                .doesNotContain("measured-timings", "parity max");

        // a single head exported by `regula export` from stage-command folders
        CliRun x = run("export", "--features", w("features"), "--head", w("train"), "--name", "mlp", "--out", p("model-mlp"));
        assertThat(x.code()).as(x.err()).isZero();
        CliRun single = run("report", "--features", w("features"), "--heads", w("train"), "--model", p("model-mlp"),
                "--min-accuracy", "1.01", "--title", "mlp", "--out", p("rep-mlp"));
        assertThat(single.code()).as(single.err()).isZero();
        assertThat(single.out()).contains("report: " + p("rep-mlp/index.html"), "exported mlp", "Java reference",
                "accuracy ", "< min_accuracy 1.01");
        assertThat(Files.readString(dir.resolve("rep-mlp/index.html"))).contains("<span class=\"fail\">accuracy ")
                .doesNotContain("Ensemble (test split)");
    }

    @Test
    void reportWithTuneAddsTheRegularizationSearchSection() throws Exception {
        Path tune = dev.regula.pipeline.stage.report.TuneReportFixtures.twoHeads(dir.resolve("tune-out"));
        CliRun r = run("report", "--features", w("features"), "--heads", w("train"), "--ensemble", w("ensemble"),
                "--model", w("export"), "--tune", tune.toString(), "--out", p("rep-tune"));
        assertThat(r.code()).as(r.err()).isZero(); // no gate given
        String page = Files.readString(dir.resolve("rep-tune/index.html"));
        assertThat(page).contains("<h2 id=\"tune\">Regularization search (tune)</h2>", "under-regularized",
                "validation curve of linear l2", "halving rungs of mlp");
    }

    @Test
    void reportRefusesBadInput() throws Exception {
        CliRun noEnsemble = run("report", "--features", w("features"), "--heads", w("train"), "--model", w("export"),
                "--out", p("r1"));
        assertThat(noEnsemble.code()).isEqualTo(ExitCodes.FAILURE);
        assertThat(noEnsemble.err()).contains("--ensemble: " + w("export/model.onnx") + " exports an ensemble");
        CliRun parityGate = run("report", "--features", w("features"), "--heads", w("train"), "--ensemble", w("ensemble"),
                "--model", w("export"), "--max-parity-error", "0.001", "--out", p("r2"));
        assertThat(parityGate.code()).isEqualTo(ExitCodes.FAILURE);
        assertThat(parityGate.err()).contains("--max-parity-error: needs --validation");
        CliRun noModel = run("report", "--features", w("features"), "--heads", w("train"), "--model", w("train"), "--out", p("r3"));
        assertThat(noModel.err()).contains("--model: " + w("train") + " holds no model.onnx");
        CliRun badValidation = run("report", "--features", w("features"), "--heads", w("train"), "--ensemble", w("ensemble"),
                "--model", w("export"), "--validation", w("train"), "--out", p("r4"));
        assertThat(badValidation.err()).contains("--validation: " + w("train") + " holds no report.json");
        CliRun badEnsemble = run("report", "--features", w("features"), "--heads", w("train"), "--ensemble", w("train"),
                "--model", w("export"), "--out", p("r5"));
        assertThat(badEnsemble.err()).contains("--ensemble: " + w("train") + " holds no report.json");
        CliRun badHeads = run("report", "--features", w("features"), "--heads", w("export"), "--model", w("export"),
                "--out", p("r6"));
        assertThat(badHeads.err()).contains("--heads: " + w("export") + " holds no <name>/head.json");
        CliRun notFeatures = run("report", "--features", w("train"), "--heads", w("train"), "--model", w("export"),
                "--out", p("r7"));
        assertThat(notFeatures.err()).contains("--features: " + w("train") + " is not a", "feature store");
        // the single-head model of another head set: the --heads folder lacks the exported head
        CliRun one = run("train", "--features", w("features"), "--kind", "linear", "--name", "solo", "--epochs", "2",
                "--out", p("solo"));
        assertThat(one.code()).as(one.err()).isZero();
        CliRun x = run("export", "--features", w("features"), "--head", p("solo"), "--out", p("model-solo"));
        assertThat(x.code()).as(x.err()).isZero();
        CliRun lacks = run("report", "--features", w("features"), "--heads", w("train"), "--model", p("model-solo"), "--out", p("r8"));
        assertThat(lacks.err()).contains("--heads: ", "exports head 'solo'", "[linear, mlp]");
        // a validate folder of another export
        CliRun otherVal = run("report", "--features", w("features"), "--heads", p("solo"), "--model", p("model-solo"),
                "--validation", w("validate"), "--out", p("r9"));
        assertThat(otherVal.err()).contains("--validation: " + w("validate") + " validated 'ensemble', but");
        CliRun badTune = run("report", "--features", w("features"), "--heads", w("train"), "--ensemble", w("ensemble"),
                "--model", w("export"), "--tune", w("train"), "--out", p("r10"));
        assertThat(badTune.err()).contains("--tune: tune: " + w("train") + " holds no trials.jsonl");
        for (String o : List.of("r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9", "r10")) {
            assertThat(dir.resolve(o)).as(o).doesNotExist();
        }
        assertThat(run("report", "--features", w("features"), "--model", w("export"), "--out", p("u")).code())
                .isEqualTo(ExitCodes.USAGE);
        assertThat(run("report", "--features", w("features"), "--heads", w("train"), "--model", w("export"),
                "--min-accuracy", "high", "--out", p("u")).code()).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void helpOfImportAndReport() {
        assertThat(run("--help").out()).contains("import", "report");
        for (String cmd : List.of("import", "report")) {
            CliRun h = run(cmd, "--help");
            assertThat(h.code()).as(cmd).isZero();
            assertThat(h.out()).contains("Usage: regula " + cmd, "--out", "--json");
        }
    }
}
