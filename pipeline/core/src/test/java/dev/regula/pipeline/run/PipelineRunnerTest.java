package dev.regula.pipeline.run;

import dev.regula.models.Hashing;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.regula.models.OnnxModel;
import dev.regula.pipeline.RegulaException;
import dev.regula.pipeline.stage.Pipeline;
import dev.regula.pipeline.stage.report.ReportStep;
import dev.regula.pipeline.stage.train.HeadFile;
import dev.regula.pipeline.stage.validate.GateFailedException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineRunnerTest {
    @TempDir
    static Path inputs;
    static Path spec;
    static Path reference;
    static RunResult first;

    @BeforeAll
    static void runOnce() throws Exception {
        TinyPipeline.writeInputs(inputs, 11);
        spec = TinyPipeline.writeSpec(inputs, TinyPipeline.spec());
        reference = inputs.resolve("reference-work");
        first = Pipeline.run(new RunRequest(spec, reference, null, false, System.out::println));
    }

    /**
     * Every payload file of the work folder (manifests and summary excluded: they hold timings), with its bytes' hash.
     * The report page is hashed with its one measured-timings element masked ({@link ReportStage#maskTimings});
     * every other file, model.onnx included, byte for byte.
     */
    static Map<String, String> payload(Path work) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(work)) {
            for (Path p : (Iterable<Path>) s.filter(Files::isRegularFile)::iterator) {
                String rel = work.relativize(p).toString();
                if (rel.startsWith(".") || p.getFileName().toString().equals("manifest.json") || rel.equals("summary.json")) {
                    continue;
                }
                if (rel.equals("report/" + ReportStep.HTML)) {
                    String masked = ReportStep.maskTimings(Files.readString(p));
                    assertThat(masked).as("the report's timings element").contains(ReportStep.TIMINGS_BEGIN + "(masked)");
                    out.put(rel + " (timings masked)", Hashing.sha256(
                            masked.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
                    continue;
                }
                out.put(rel, Hashing.sha256(p));
            }
        }
        return out;
    }

    /** A rerun of {@code spec} in {@code work} finds every stage up to date; {@code --force} reruns all to the same bytes. */
    private static void assertRerunUpToDateAndForcedIdentical(Path spec, Path work) throws Exception {
        Map<String, String> before = payload(work);
        RunResult again = Pipeline.run(new RunRequest(spec, work, null, false, null));
        assertThat(again.outcomes().values()).containsOnly(RunResult.Outcome.UP_TO_DATE);
        RunResult forced = Pipeline.run(new RunRequest(spec, work, null, true, null));
        assertThat(forced.outcomes().values()).containsOnly(RunResult.Outcome.RAN);
        assertThat(payload(work)).isEqualTo(before);
    }

    @Test
    void coldRunWritesEveryStageWithManifestsAndAValidatedModel() throws Exception {
        assertThat(first.outcomes()).containsOnlyKeys(StageName.IMPORT, StageName.FEATURES, StageName.TRAIN, StageName.EXPORT,
                StageName.VALIDATE);
        assertThat(first.outcomes().values()).containsOnly(RunResult.Outcome.RAN);
        for (StageName s : first.outcomes().keySet()) {
            Manifest m = Json.read(reference.resolve(s.dir()).resolve(Manifest.FILE), Manifest.class);
            assertThat(m.stage()).isEqualTo(s.dir());
            assertThat(m.seed()).isEqualTo(7);
            assertThat(m.versions()).containsKeys("regula", "djl", "onnxruntime", "java").doesNotContainValue("unknown");
            assertThat(m.timings()).containsKey("seconds");
            assertThat(m.outputHashes()).isNotEmpty();
            assertThat(m.configHash()).hasSize(64);
        }
        assertThat(Json.read(reference.resolve("features/manifest.json"), Manifest.class).inputHashes())
                .containsKeys("data", "import");
        assertThat(reference.resolve("train/mlp/head.json")).isRegularFile();
        assertThat(reference.resolve("train/linear/history.json")).isRegularFile();
        assertThat(reference.resolve("export/tokenizer.json")).hasSameBinaryContentAs(inputs.resolve("tokenizer.json"));
        OnnxModel model = OnnxModel.read(first.model());
        assertThat(model.proto().getGraph().getOutputList()).extracting(v -> v.getName())
                .containsExactly("probabilities", "label");
        assertThat(model.metadata()).containsEntry("regula.classes", "[\"ham\",\"spam\"]")
                .containsKeys("regula.backbone.sha256", "regula.head.name", "regula.regularization");
        var summary = first.summary();
        assertThat(summary.get("gates_passed").asBoolean()).isTrue();
        assertThat(summary.at("/validation/parity/max_abs_error").asDouble()).isLessThan(1e-3);
        assertThat(summary.at("/validation/accuracy").asDouble()).isGreaterThan(0.6);
        assertThat(summary.at("/timing/latency_ms_p50").asDouble()).isPositive();
        assertThat(summary.at("/timing/throughput_per_second").asDouble()).isPositive();
        assertThat(summary.get("stage_seconds").fieldNames()).toIterable()
                .containsExactly("import", "features", "train", "export", "validate");
        assertThat(summary.at("/stages/train").asText()).isEqualTo("ran");
        assertThat(summary.at("/validation/providers/0").asText()).isNotEmpty();
        assertThat(reference.resolve("summary.json")).isRegularFile();
    }

    @Test
    void rerunIsUpToDateAndForceRerunsToIdenticalBytes(@TempDir Path work) throws Exception {
        RunResult cold = Pipeline.run(new RunRequest(spec, work, null, false, null));
        assertThat(payload(work)).isEqualTo(payload(reference));
        List<String> lines = new ArrayList<>();
        RunResult again = Pipeline.run(new RunRequest(spec, work, null, false, lines::add));
        assertThat(again.outcomes().values()).containsOnly(RunResult.Outcome.UP_TO_DATE);
        assertThat(lines).contains("features: up to date", "validate: up to date");
        RunResult forced = Pipeline.run(new RunRequest(spec, work, null, true, null));
        assertThat(forced.outcomes().values()).containsOnly(RunResult.Outcome.RAN);
        assertThat(payload(work)).isEqualTo(payload(reference));
        RunResult from = Pipeline.run(new RunRequest(spec, work, StageName.TRAIN, false, null));
        assertThat(from.outcomes()).containsEntry(StageName.FEATURES, RunResult.Outcome.UP_TO_DATE)
                .containsEntry(StageName.TRAIN, RunResult.Outcome.RAN).containsEntry(StageName.VALIDATE, RunResult.Outcome.RAN);
        assertThat(cold.outcomes().values()).containsOnly(RunResult.Outcome.RAN);
    }

    @Test
    void aStageWrittenByAnotherRegulaVersionReruns(@TempDir Path work) throws Exception {
        Pipeline.run(new RunRequest(spec, work, null, false, null));
        Path manifest = work.resolve("train").resolve(Manifest.FILE);
        String json = Files.readString(manifest);
        String running = Versions.all().get("regula");
        assertThat(json).contains("\"regula\" : \"" + running + "\"");
        Files.writeString(manifest, json.replace("\"regula\" : \"" + running + "\"", "\"regula\" : \"0.0.1\""));
        RunResult r = Pipeline.run(new RunRequest(spec, work, null, false, null));
        assertThat(r.outcomes()).containsEntry(StageName.FEATURES, RunResult.Outcome.UP_TO_DATE)
                .containsEntry(StageName.TRAIN, RunResult.Outcome.RAN)
                // same bytes out of train, so what reads them stays up to date
                .containsEntry(StageName.EXPORT, RunResult.Outcome.UP_TO_DATE);
        assertThat(payload(work)).isEqualTo(payload(reference));
        assertThat(UpToDate.sameTools(Map.of("regula", "1", "djl", "2", "onnxruntime", "3", "java", "17"),
                Map.of("regula", "1", "djl", "2", "onnxruntime", "3", "java", "21"))).as("java is not compared").isTrue();
    }

    @Test
    void aChangedHeadSectionRetrainsButKeepsFeatures(@TempDir Path work) throws Exception {
        Pipeline.run(new RunRequest(spec, work, null, false, null));
        Path other = TinyPipeline.writeSpec(Files.createDirectories(inputs.resolve("changed")),
                TinyPipeline.spec().replace("weight_decay: 0.01", "weight_decay: 0.02")
                        .replace("model: backbone.onnx", "model: ../backbone.onnx")
                        .replace("tokenizer: tokenizer.json", "tokenizer: ../tokenizer.json")
                        .replace("path: data.jsonl", "path: ../data.jsonl"));
        RunResult r = Pipeline.run(new RunRequest(other, work, null, false, null));
        assertThat(r.outcomes()).containsEntry(StageName.IMPORT, RunResult.Outcome.UP_TO_DATE)
                .containsEntry(StageName.FEATURES, RunResult.Outcome.UP_TO_DATE)
                .containsEntry(StageName.TRAIN, RunResult.Outcome.RAN);
    }

    @Test
    void aTamperedPayloadIsRebuilt(@TempDir Path work) throws Exception {
        Pipeline.run(new RunRequest(spec, work, null, false, null));
        Files.write(work.resolve("train/linear/head.json"), new byte[] {'{', '}'});
        RunResult r = Pipeline.run(new RunRequest(spec, work, null, false, null));
        assertThat(r.outcomes()).containsEntry(StageName.FEATURES, RunResult.Outcome.UP_TO_DATE)
                .containsEntry(StageName.TRAIN, RunResult.Outcome.RAN)
                .containsEntry(StageName.EXPORT, RunResult.Outcome.UP_TO_DATE);
        assertThat(payload(work)).isEqualTo(payload(reference));
    }

    @Test
    void aCrashInAnyStageThenResumeGivesIdenticalArtifacts(@TempDir Path root) throws Exception {
        for (StageName crashAt : List.of(StageName.IMPORT, StageName.FEATURES, StageName.TRAIN, StageName.EXPORT,
                StageName.VALIDATE)) {
            Path work = root.resolve(crashAt.dir());
            RunRequest.Hook crash = (stage, staging) -> {
                if (stage == crashAt) {
                    throw new IOException("simulated crash in " + stage);
                }
            };
            assertThatThrownBy(() -> Pipeline.run(new RunRequest(spec, work, null, false, null, crash)))
                    .isInstanceOf(RegulaException.class).hasMessageContaining("simulated crash in " + crashAt);
            assertThat(work.resolve(crashAt.dir())).doesNotExist();
            assertThat(work.resolve("summary.json")).doesNotExist();
            RunResult resumed = Pipeline.run(new RunRequest(spec, work, null, false, null));
            for (StageName s : resumed.outcomes().keySet()) {
                assertThat(resumed.outcomes().get(s)).as(s + " after a crash in " + crashAt)
                        .isEqualTo(s.ordinal() < crashAt.ordinal() ? RunResult.Outcome.UP_TO_DATE : RunResult.Outcome.RAN);
            }
            assertThat(payload(work)).isEqualTo(payload(reference));
        }
    }

    @Test
    void theReportStageWritesOneSelfContainedPageIdenticalAcrossReruns(@TempDir Path work) throws Exception {
        Path withReport = TinyPipeline.writeSpec(Files.createDirectories(inputs.resolve("report")),
                TinyPipeline.spec().replace("model: backbone.onnx", "model: ../backbone.onnx")
                        .replace("tokenizer: tokenizer.json", "tokenizer: ../tokenizer.json")
                        .replace("path: data.jsonl", "path: ../data.jsonl") + "report: {title: Tiny <report>}\n");
        RunResult r = Pipeline.run(new RunRequest(withReport, work, null, false, null));
        assertThat(r.outcomes()).containsEntry(StageName.REPORT, RunResult.Outcome.RAN);
        Path html = work.resolve("report/index.html");
        String page = Files.readString(html);
        assertThat(page).contains("<title>Tiny &lt;report&gt;</title>", "linear", "mlp", "accuracy", "all passed", "Provenance",
                "regula.backbone.sha256", "weight_decay");
        assertThat(page.split("src=\"data:image/png;base64,iVBORw0KGgo", -1)).hasSize(4); // three embedded PNGs
        // the parity-and-latency table: CPU ran, its measured timings sit inside the one marked element
        assertThat(page).contains("Parity and latency per execution provider", "CPUExecutionProvider",
                "probabilities: max |abs error|", "argmax agreement", "<tbody id=\"measured-timings\"");
        String timings = page.substring(page.indexOf(ReportStep.TIMINGS_BEGIN), page.indexOf(ReportStep.TIMINGS_END));
        assertThat(timings).contains("latency p50, batch 1 (ms)", "latency p95, batch 1 (ms)", "throughput, batch 32 (rows/s)");
        var validateTimings = Json.read(work.resolve("validate/manifest.json"), Manifest.class).timings();
        assertThat(timings).contains(String.format(java.util.Locale.ROOT, "%.3f",
                ((Number) ((Map<?, ?>) validateTimings.get("cpu")).get("latency_ms_p50")).doubleValue()));
        assertThat(ReportStep.maskTimings(page)).doesNotContain("latency p50").contains("Parity and latency");
        byte[] before = Files.readAllBytes(html);
        Pipeline.run(new RunRequest(withReport, work, StageName.REPORT, false, null));
        assertThat(Files.readAllBytes(html)).isEqualTo(before);
        assertThat(Pipeline.run(new RunRequest(withReport, work, null, false, null)).outcomes())
                .containsEntry(StageName.REPORT, RunResult.Outcome.UP_TO_DATE);
        // validate reruns (new timings): the page follows, identical but for the masked timings
        RunResult again = Pipeline.run(new RunRequest(withReport, work, StageName.VALIDATE, false, null));
        assertThat(again.outcomes()).containsEntry(StageName.REPORT, RunResult.Outcome.RAN);
        String rerun = Files.readString(html);
        assertThat(ReportStep.maskTimings(rerun)).isEqualTo(ReportStep.maskTimings(page));
    }

    @Test
    void aFailedGateThrowsWithTheFigures(@TempDir Path work) throws Exception {
        Path strict = TinyPipeline.writeSpec(Files.createDirectories(inputs.resolve("strict")),
                TinyPipeline.spec().replace("min_accuracy: 0.5", "min_accuracy: 1.0")
                        .replace("model: backbone.onnx", "model: ../backbone.onnx")
                        .replace("tokenizer: tokenizer.json", "tokenizer: ../tokenizer.json")
                        .replace("path: data.jsonl", "path: ../data.jsonl"));
        assertThatThrownBy(() -> Pipeline.run(new RunRequest(strict, work, null, false, null)))
                .isInstanceOfSatisfying(GateFailedException.class, e -> {
                    assertThat(e.failures()).singleElement().asString().contains("min_accuracy 1.0");
                    assertThat(e.figures()).containsKeys("accuracy", "macro_f1", "parity");
                    assertThat(e.problem().keyPath()).isEqualTo("validate.gates");
                    assertThat(e.problem().expected()).isEqualTo("min_accuracy 1.0");
                    assertThat(e.problem().found()).startsWith("accuracy 0.");
                });
        assertThat(Json.MAPPER.readTree(work.resolve("summary.json").toFile()).get("gates_passed").asBoolean()).isFalse();
    }

    /** The tiny spec with a third head, an ensemble section and a report, in its own folder under the inputs. */
    static Path ensembleSpec(String folder, String ensemble) throws IOException {
        String yaml = TinyPipeline.spec().replace("model: backbone.onnx", "model: ../backbone.onnx")
                .replace("tokenizer: tokenizer.json", "tokenizer: ../tokenizer.json")
                .replace("path: data.jsonl", "path: ../data.jsonl")
                .replace("validate:\n", """
                          - name: mlp-wide
                            kind: mlp
                            hidden_sizes: [12]
                            regularization: {l2: 0.001}
                            training: {learning_rate: 0.01, epochs: 6, batch_size: 16}
                        validate:
                        """)
                + ensemble + "report: {title: tiny ensemble}\n";
        return TinyPipeline.writeSpec(Files.createDirectories(inputs.resolve(folder)), yaml);
    }

    @Test
    void anEnsembleIsFittedExportedAsOneGraphValidatedAndRerunIdentically(@TempDir Path work) throws Exception {
        Path withEnsemble = ensembleSpec("ens", "ensemble:\n  members: [linear, mlp, mlp-wide]\n"
                + "  combiner: {kind: weighted, penalty: entropy, strength: 0.05}\n");
        RunResult cold = Pipeline.run(new RunRequest(withEnsemble, work, null, false, null));
        assertThat(cold.outcomes()).containsEntry(StageName.ENSEMBLE, RunResult.Outcome.RAN);
        var report = Json.MAPPER.readTree(work.resolve("ensemble/report.json").toFile());
        assertThat(report.get("exported").asText()).isEqualTo("weighted");
        assertThat(report.at("/test/members").fieldNames()).toIterable().containsExactlyInAnyOrder("linear", "mlp", "mlp-wide");
        assertThat(report.at("/test/combiners").fieldNames()).toIterable()
                .containsExactlyInAnyOrder("mean", "mean+temperature", "weighted", "weighted+temperature", "caruana",
                        "caruana+temperature", "stacking");
        assertThat(report.at("/validation/combiners_cv_nll").fieldNames()).toIterable().hasSize(7);
        assertThat(report.at("/test/combiners/weighted/nll").asDouble()).isPositive();
        assertThat(report.at("/test/combiner_descriptions/weighted/weights")).hasSize(3);
        OnnxModel model = OnnxModel.read(cold.model());
        assertThat(model.proto().getGraph().getOutputList()).extracting(v -> v.getName()).containsExactly("probabilities", "label");
        assertThat(model.metadata()).containsEntry("regula.head.name", "ensemble").containsKeys("regula.classes",
                "regula.backbone.sha256", "regula.ensemble.combiner");
        var members = Json.MAPPER.readTree(model.metadata().get("regula.ensemble.members"));
        assertThat(members).extracting(m -> m.get("name").asText()).containsExactly("linear", "mlp", "mlp-wide");
        assertThat(members.get(1).get("regularization").toString()).contains("weight_decay");
        assertThat(Json.MAPPER.readTree(model.metadata().get("regula.ensemble.combiner")).get("kind").asText())
                .isEqualTo("weighted");
        var summary = cold.summary();
        assertThat(summary.at("/validation/parity/passed").asBoolean()).isTrue();
        assertThat(summary.at("/validation/parity/max_abs_error").asDouble()).isLessThan(1e-4);
        assertThat(summary.at("/validation/label_output_mismatches").asInt()).isZero();
        assertThat(Files.readString(work.resolve("report/index.html"))).contains("Ensemble (test split)", "combiner weighted (exported)",
                "best single (");

        assertRerunUpToDateAndForcedIdentical(withEnsemble, work);
    }

    @Test
    void seedAndBaggingMembersAreTrainedSavedExportedAndRerunIdentically(@TempDir Path work) throws Exception {
        Path spec2 = ensembleSpec("ens-seeds", "ensemble:\n  members: [mlp]\n  seeds: {head: mlp, count: 2}\n"
                + "  bagging: {head: linear, count: 2}\n  combiner: weighted\n");
        RunResult cold = Pipeline.run(new RunRequest(spec2, work, null, false, null));
        assertThat(cold.outcomes()).containsEntry(StageName.ENSEMBLE, RunResult.Outcome.RAN);
        List<String> names = List.of("mlp", "mlp-seed-1", "mlp-seed-2", "linear-bag-1", "linear-bag-2");
        var report = Json.MAPPER.readTree(work.resolve("ensemble/report.json").toFile());
        assertThat(report.get("members")).extracting(n -> n.asText()).containsExactlyElementsOf(names);
        assertThat(work.resolve("ensemble/members/mlp-seed-2.json")).isRegularFile();
        assertThat(work.resolve("ensemble/members/linear-bag-1.rows.json")).isRegularFile();
        assertThat(work.resolve("ensemble/members/mlp-seed-1.rows.json")).doesNotExist();
        // seed members really differ from the head they copy (other seeds), and bags from each other
        assertThat(Files.readString(work.resolve("ensemble/members/mlp-seed-1.json")))
                .isNotEqualTo(Files.readString(work.resolve("ensemble/members/mlp-seed-2.json")));
        assertThat(report.at("/test/members/mlp-seed-1/nll").asDouble())
                .isNotEqualTo(report.at("/test/members/mlp/nll").asDouble());
        OnnxModel model = OnnxModel.read(cold.model());
        var members = Json.MAPPER.readTree(model.metadata().get("regula.ensemble.members"));
        assertThat(members).extracting(m -> m.get("name").asText()).containsExactlyElementsOf(names);
        assertThat(members.get(3).get("oob_rows").asInt()).isPositive();
        assertThat(cold.summary().at("/validation/parity/passed").asBoolean()).isTrue();
        assertThat(cold.summary().at("/validation/label_output_mismatches").asInt()).isZero();

        assertRerunUpToDateAndForcedIdentical(spec2, work);
    }

    @Test
    void snapshotMembersAndTheirUniformSoupAreTrainedSavedExportedAndRerunIdentically(@TempDir Path work) throws Exception {
        Path spec2 = ensembleSpec("ens-snap", "ensemble:\n  members: [mlp]\n"
                + "  snapshots: {head: mlp, cycles: 3, epochs_per_cycle: 3}\n  soup: {of: snapshots, kind: uniform}\n"
                + "  combiner: weighted\n");
        RunResult cold = Pipeline.run(new RunRequest(spec2, work, null, false, null));
        assertThat(cold.outcomes()).containsEntry(StageName.ENSEMBLE, RunResult.Outcome.RAN);
        List<String> snaps = List.of("mlp-snap-1", "mlp-snap-2", "mlp-snap-3");
        List<String> names = new ArrayList<>(List.of("mlp"));
        names.addAll(snaps);
        names.add("soup");
        var report = Json.MAPPER.readTree(work.resolve("ensemble/report.json").toFile());
        assertThat(report.get("members")).extracting(n -> n.asText()).containsExactlyElementsOf(names);
        assertThat(report.at("/test/members").fieldNames()).toIterable().containsExactlyInAnyOrderElementsOf(names);
        assertThat(report.at("/test/members/soup/nll").asDouble()).isPositive();
        assertThat(report.at("/soup/kind").asText()).isEqualTo("uniform");
        assertThat(report.at("/soup/ingredients")).extracting(n -> n.asText()).containsExactlyElementsOf(snaps);

        List<dev.regula.transfer.train.TrainedHead> heads = new ArrayList<>();
        for (String n : snaps) {
            heads.add(HeadFile.load(work.resolve("ensemble/members/" + n + ".json")));
        }
        // one member per cosine cycle, each warm-started from the last: all different, all cosine-scheduled
        assertThat(heads).allSatisfy(h -> assertThat(h.training().schedule())
                .isEqualTo(dev.regula.transfer.train.TrainingSpec.Schedule.COSINE));
        assertThat(heads).extracting(h -> h.training().epochs()).containsOnly(3);
        assertThat(heads.get(0).layers().get(0).w()[0][0]).isNotEqualTo(heads.get(1).layers().get(0).w()[0][0]);
        assertThat(heads.get(1).layers().get(1).b()[0]).isNotEqualTo(heads.get(2).layers().get(1).b()[0]);
        assertThat(report.at("/test/members/mlp-snap-1/nll").asDouble())
                .isNotEqualTo(report.at("/test/members/mlp-snap-3/nll").asDouble());
        // the soup is one head whose every weight is the mean of the snapshots' weights
        var soup = HeadFile.load(work.resolve("ensemble/members/soup.json"));
        assertThat(soup.layers()).hasSameSizeAs(heads.get(0).layers());
        int checked = 0;
        for (int l = 0; l < soup.layers().size(); l++) {
            var lw = soup.layers().get(l);
            for (int o = 0; o < lw.out(); o++) {
                double b = 0;
                for (var h : heads) {
                    b += h.layers().get(l).b()[o];
                }
                assertThat((double) lw.b()[o]).isCloseTo(b / 3, org.assertj.core.data.Offset.offset(1e-7));
                for (int i = 0; i < lw.in(); i++) {
                    double w = 0;
                    for (var h : heads) {
                        w += h.layers().get(l).w()[o][i];
                    }
                    assertThat((double) lw.w()[o][i]).isCloseTo(w / 3, org.assertj.core.data.Offset.offset(1e-7));
                    checked++;
                }
            }
        }
        assertThat(checked).isEqualTo(heads.get(0).layers().stream().mapToInt(x -> x.out() * x.in()).sum());
        assertThat(soup.layers().get(0).w()[0][0]).isNotEqualTo(heads.get(0).layers().get(0).w()[0][0]);

        OnnxModel model = OnnxModel.read(cold.model());
        var members = Json.MAPPER.readTree(model.metadata().get("regula.ensemble.members"));
        assertThat(members).extracting(m -> m.get("name").asText()).containsExactlyElementsOf(names);
        assertThat(cold.summary().at("/validation/parity/passed").asBoolean()).isTrue();
        assertThat(cold.summary().at("/validation/label_output_mismatches").asInt()).isZero();

        assertRerunUpToDateAndForcedIdentical(spec2, work);
    }

    @Test
    void aGreedySoupExportsAloneAsOneHeadWithinParity(@TempDir Path work) throws Exception {
        Path spec2 = ensembleSpec("ens-soup", "ensemble:\n  members: [linear]\n"
                + "  snapshots: {head: mlp, cycles: 3, epochs_per_cycle: 2}\n"
                + "  soup: {of: [mlp-snap-3, mlp-snap-2, mlp-snap-1], kind: greedy}\nexport: {head: soup}\n");
        RunResult r = Pipeline.run(new RunRequest(spec2, work, null, false, null));
        var saved = Json.MAPPER.readTree(work.resolve("ensemble/ensemble.json").toFile());
        assertThat(saved.at("/soup/kind").asText()).isEqualTo("greedy");
        List<String> kept = new ArrayList<>();
        saved.at("/soup/ingredients").forEach(n -> kept.add(n.asText()));
        assertThat(kept).isNotEmpty().isSubsetOf("mlp-snap-1", "mlp-snap-2", "mlp-snap-3");
        // greedy starts from the ingredient with the lowest validation NLL
        var val = Json.MAPPER.readTree(work.resolve("ensemble/report.json").toFile()).at("/validation/members");
        String best = List.of("mlp-snap-1", "mlp-snap-2", "mlp-snap-3").stream()
                .min(java.util.Comparator.comparingDouble(n -> val.at("/" + n + "/nll").asDouble())).orElseThrow();
        assertThat(kept.get(0)).isEqualTo(best);

        OnnxModel model = OnnxModel.read(r.model());
        assertThat(model.metadata()).containsEntry("regula.head.name", "soup").doesNotContainKey("regula.ensemble.members");
        assertThat(Json.MAPPER.readTree(model.metadata().get("regula.soup"))).isEqualTo(saved.get("soup"));
        assertThat(Json.MAPPER.readTree(work.resolve("export/export.json").toFile()).get("head").asText()).isEqualTo("soup");
        assertThat(r.summary().at("/validation/parity/passed").asBoolean()).isTrue();
        assertThat(r.summary().at("/validation/parity/max_abs_error").asDouble()).isLessThan(1e-4);
        assertThat(r.summary().at("/validation/label_output_mismatches").asInt()).isZero();
        // the exported graph computes exactly the soup's head: same figures as the soup member's on test
        assertThat(r.summary().at("/validation/accuracy").asDouble()).isEqualTo(
                Json.MAPPER.readTree(work.resolve("ensemble/report.json").toFile()).at("/test/members/soup/accuracy").asDouble());
    }

    @Test
    void trainedHeadsOfOneShapeAndSeedSoupWhateverTheirRegularization(@TempDir Path work) throws Exception {
        Path spec2 = ensembleSpec("ens-soup-heads", "ensemble:\n  members: [mlp, mlp-l2]\n  soup: {of: [mlp, mlp-l2]}\n");
        Files.writeString(spec2, Files.readString(spec2).replace("validate:\n", """
                  - name: mlp-l2
                    kind: mlp
                    hidden_sizes: [8]
                    regularization: {l2: 0.01}
                    training: {learning_rate: 0.02, epochs: 8, batch_size: 16}
                validate:
                """));
        RunResult r = Pipeline.run(new RunRequest(spec2, work, null, false, null));
        var report = Json.MAPPER.readTree(work.resolve("ensemble/report.json").toFile());
        assertThat(report.get("members")).extracting(n -> n.asText()).containsExactly("mlp", "mlp-l2", "soup");
        var a = HeadFile.load(work.resolve("train/mlp/head.json"));
        var b = HeadFile.load(work.resolve("train/mlp-l2/head.json"));
        var soup = HeadFile.load(work.resolve("ensemble/members/soup.json"));
        assertThat(a.layers().get(0).w()[1][2]).isNotEqualTo(b.layers().get(0).w()[1][2]);
        assertThat((double) soup.layers().get(0).w()[1][2]).isCloseTo(
                ((double) a.layers().get(0).w()[1][2] + b.layers().get(0).w()[1][2]) / 2, org.assertj.core.data.Offset.offset(1e-7));
        var members = Json.MAPPER.readTree(OnnxModel.read(r.model()).metadata().get("regula.ensemble.members"));
        assertThat(members.get(2).get("origin").asText()).isEqualTo("seed:7");
        assertThat(r.summary().at("/validation/parity/passed").asBoolean()).isTrue();
    }

    @Test
    void soupsOfMembersWithOtherStartPointsOrShapesNameTheKeyPath(@TempDir Path work) throws Exception {
        Path seeds = ensembleSpec("ens-soup-seeds", "ensemble:\n  seeds: {head: mlp, count: 2}\n  soup: {of: seeds}\n");
        assertThatThrownBy(() -> Pipeline.run(new RunRequest(seeds, work, null, false, null)))
                .isInstanceOf(RegulaException.class)
                .hasMessageContaining("ensemble.soup.of (seeds, member 2): soup: member mlp-seed-2 started from 'seed:9', "
                        + "member mlp-seed-1 from 'seed:8'; a soup needs a shared start point");
        assertThat(work.resolve("ensemble")).doesNotExist();
        Path shapes = ensembleSpec("ens-soup-shapes", "ensemble:\n  snapshots: {head: mlp, cycles: 2, epochs_per_cycle: 1}\n"
                + "  soup: {of: [mlp-snap-1, mlp-snap-2, mlp-wide]}\n");
        assertThatThrownBy(() -> Pipeline.run(new RunRequest(shapes, work, null, false, null)))
                .isInstanceOf(RegulaException.class)
                .hasMessageContaining("ensemble.soup.of[2]: soup: member mlp-wide has shape ")
                .hasMessageContaining("weights can only be averaged between heads of the same shape");
        assertThat(work.resolve("ensemble")).doesNotExist();
        assertThat(work.resolve("export")).doesNotExist();
    }

    @Test
    void topKStackingEnsembleExportsWithinParity(@TempDir Path work) throws Exception {
        Path spec2 = ensembleSpec("ens-topk", "ensemble:\n  members: {top_k: 2}\n  combiner: {kind: stacking, folds: 3}\n");
        RunResult r = Pipeline.run(new RunRequest(spec2, work, null, false, null));
        assertThat(Json.MAPPER.readTree(work.resolve("ensemble/report.json").toFile()).get("members")).hasSize(2);
        assertThat(r.summary().at("/validation/parity/passed").asBoolean()).isTrue();
        assertThat(Json.MAPPER.readTree(OnnxModel.read(r.model()).metadata().get("regula.ensemble.combiner")).get("kind")
                .asText()).isEqualTo("stacking");
    }

    @Test
    void autoExportsTheCandidateWithTheLowestCrossValidatedValidationNll(@TempDir Path work) throws Exception {
        Path spec2 = ensembleSpec("ens-auto", "ensemble:\n  combiner: {kind: auto, rule: min, folds: 3, candidates: [mean, "
                + "{kind: mean, temperature: true}, {kind: weighted, temperature: true}, {kind: stacking, folds: 3}]}\n");
        RunResult r = Pipeline.run(new RunRequest(spec2, work, null, false, null));
        var report = Json.MAPPER.readTree(work.resolve("ensemble/report.json").toFile());
        var cv = report.at("/validation/combiners_cv_nll");
        assertThat(cv.fieldNames()).toIterable().containsExactlyInAnyOrder("mean", "mean+temperature", "weighted+temperature",
                "stacking");
        String lowest = null;
        for (var it = cv.fields(); it.hasNext(); ) {
            var e = it.next();
            if (lowest == null || e.getValue().asDouble() < cv.get(lowest).asDouble()) {
                lowest = e.getKey();
            }
        }
        assertThat(report.get("exported").asText()).isEqualTo(lowest);
        assertThat(report.get("configured").asText()).isEqualTo("auto");
        var saved = Json.MAPPER.readTree(work.resolve("ensemble/ensemble.json").toFile());
        assertThat(saved.at("/selection/chosen").asText()).isEqualTo(lowest);
        assertThat(Json.MAPPER.readTree(OnnxModel.read(r.model()).metadata().get("regula.ensemble.combiner")).get("kind").asText())
                .isEqualTo(lowest);
        assertThat(r.summary().at("/validation/parity/passed").asBoolean()).isTrue();
        assertThat(r.summary().at("/validation/label_output_mismatches").asInt()).isZero();
    }

    @Test
    void autoByDefaultExportsTheFirstCandidateWithinOneStandardErrorOfTheLowest(@TempDir Path work) throws Exception {
        Path spec2 = ensembleSpec("ens-auto-1se", "ensemble:\n  combiner: {kind: auto, folds: 3, candidates: [mean, "
                + "{kind: weighted, temperature: true}, {kind: stacking, folds: 3}]}\n");
        RunResult r = Pipeline.run(new RunRequest(spec2, work, null, false, null));
        var selection = Json.MAPPER.readTree(work.resolve("ensemble/ensemble.json").toFile()).get("selection");
        assertThat(selection.get("rule").asText()).isEqualTo("one_se");
        String lowest = selection.get("lowest").asText();
        String expected = null;
        for (String name : List.of("mean", "weighted+temperature", "stacking")) {
            double gap = selection.at("/cv_nll/" + name).asDouble() - selection.at("/cv_nll/" + lowest).asDouble();
            assertThat(gap).isGreaterThanOrEqualTo(0);
            if (expected == null && gap <= selection.at("/cv_gap_se/" + name).asDouble()) {
                expected = name;
            }
        }
        assertThat(selection.get("chosen").asText()).isEqualTo(expected);
        assertThat(Json.MAPPER.readTree(work.resolve("ensemble/report.json").toFile()).get("exported").asText()).isEqualTo(expected);
        assertThat(r.summary().at("/validation/parity/passed").asBoolean()).isTrue();
    }

    @Test
    void anUnknownMemberIsNamedWithTheTrainedHeads(@TempDir Path work) throws Exception {
        Path bad = ensembleSpec("ens-bad", "ensemble:\n  members: [linear, mpl]\n  combiner: mean\n");
        assertThatThrownBy(() -> Pipeline.run(new RunRequest(bad, work, null, false, null)))
                .isInstanceOf(RegulaException.class)
                .hasMessageContaining("ensemble.members[1]: 'mpl' is not a trained head; the heads are [linear, mlp, mlp-wide]");
        assertThat(work.resolve("ensemble")).doesNotExist();
        assertThat(work.resolve("export")).doesNotExist();
    }

    @Test
    void badCombinerOptionsNameTheirKeyPath(@TempDir Path work) throws Exception {
        Path bad = ensembleSpec("ens-opt", "ensemble:\n  combiner: {kind: caruana, rounds: 0}\n");
        assertThatThrownBy(() -> Pipeline.run(new RunRequest(bad, work, null, false, null)))
                .isInstanceOf(RegulaException.class).hasMessageContaining("ensemble.combiner: caruana: rounds must be >= 1, got 0");
    }

    @Test
    void backboneInputsThatTheDataCannotFeedAreNamed(@TempDir Path work) throws Exception {
        Path bad = TinyPipeline.writeSpec(Files.createDirectories(inputs.resolve("mismatch")),
                TinyPipeline.spec().replace("model: backbone.onnx", "model: ../numeric.onnx")
                        .replace("pooling: mean", "pooling: none")
                        .replace("tokenizer: tokenizer.json", "tokenizer: ../tokenizer.json")
                        .replace("path: data.jsonl", "path: ../data.jsonl"));
        assertThatThrownBy(() -> Pipeline.run(new RunRequest(bad, work, null, false, null)))
                .isInstanceOf(RegulaException.class)
                .hasMessageContaining("backbone.model: its inputs do not match the text data")
                .hasMessageContaining("x");
    }
}
