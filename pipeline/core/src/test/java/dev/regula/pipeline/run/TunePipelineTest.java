package dev.regula.pipeline.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.regula.pipeline.RegulaException;
import dev.regula.pipeline.stage.Pipeline;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pipeline with tuned heads on the tiny backbone: a linear head on an L2 path and an mlp on a grid,
 * 3-fold CV, one_se, refit; the tune stage between features and train, its model taken by train and
 * exported; reruns up to date; a killed tune resumes from its logged trials to the same bytes.
 */
class TunePipelineTest {
    @TempDir
    static Path inputs;
    static Path spec;
    static Path reference;
    static RunResult first;
    static List<String> lines = new ArrayList<>();

    static String tunedSpec() {
        return TinyPipeline.spec()
                .replace("""
                          - name: linear
                            kind: linear
                            training: {learning_rate: 0.05, epochs: 8, batch_size: 16}
                        """, """
                          - name: linear
                            kind: linear
                            regularization: {l2: {path: 6}}
                            training: {learning_rate: 0.05, epochs: 8, batch_size: 16}
                        """)
                .replace("""
                            regularization:
                              dropout: {kind: standard, rate: 0.1}
                              weight_decay: 0.01
                        """, """
                            regularization:
                              dropout: {kind: standard, rate: [0.0, 0.3]}
                              weight_decay: [0.0, 0.05]
                        """)
                + "tune: {folds: 3, rule: one_se, threads: 2}\n";
    }

    @BeforeAll
    static void runOnce() throws Exception {
        TinyPipeline.writeInputs(inputs, 11);
        String yaml = tunedSpec();
        assertThat(yaml).contains("{path: 6}", "rate: [0.0, 0.3]");
        spec = TinyPipeline.writeSpec(inputs, yaml);
        reference = inputs.resolve("reference-work");
        first = Pipeline.run(new RunRequest(spec, reference, null, false, lines::add));
    }

    @Test
    void tuneRunsBetweenFeaturesAndTrainAndItsModelIsTrainedExportedAndSummarized() throws Exception {
        assertThat(first.outcomes()).containsOnlyKeys(StageName.IMPORT, StageName.FEATURES, StageName.TUNE, StageName.TRAIN,
                StageName.EXPORT, StageName.VALIDATE);
        for (String head : List.of("linear", "mlp")) {
            for (String f : List.of("trials.jsonl", "selection.json", "head.json", "history.json")) {
                assertThat(reference.resolve("tune").resolve(head).resolve(f)).isRegularFile();
            }
            assertThat(reference.resolve("train").resolve(head).resolve("head.json"))
                    .hasSameBinaryContentAs(reference.resolve("tune").resolve(head).resolve("head.json"));
        }
        assertThat(Files.readAllLines(reference.resolve("tune/mlp/trials.jsonl"))).hasSize(4);
        assertThat(Files.readAllLines(reference.resolve("tune/linear/trials.jsonl"))).hasSize(6);
        try (Stream<Path> oof = Files.list(reference.resolve("tune/mlp/oof"))) {
            assertThat(oof.count()).as("one out-of-fold file per completed trial").isEqualTo(4);
        }
        JsonNode tune = Json.MAPPER.readTree(reference.resolve("tune/tune.json").toFile());
        assertThat(tune.at("/linear/strategy").asText()).isEqualTo("path");
        assertThat(tune.at("/mlp/strategy").asText()).isEqualTo("grid");
        assertThat(tune.at("/mlp/model").asText()).isEqualTo("refit on train+val");
        assertThat(tune.at("/mlp/refit_epochs").asInt()).isPositive();
        JsonNode summary = first.summary();
        assertThat(summary.at("/tune/mlp/verdicts")).hasSize(2);
        assertThat(summary.at("/tune/mlp/verdicts/0/knob").asText()).isEqualTo("dropout.rate");
        assertThat(summary.at("/tune/mlp/verdicts/0/verdict").asText()).isIn("under", "over", "about_right");
        assertThat(summary.at("/tune/linear/winner").asText()).startsWith("t-");
        assertThat(summary.at("/stages/tune").asText()).isEqualTo("ran");
        assertThat(lines).anyMatch(l -> l.startsWith("tune: mlp: grid, 4 trials x 3 fold(s); one_se winner t-"));
        assertThat(reference.resolve(TuneStepNames.PARTIAL)).as("trial logs removed after the commit").doesNotExist();
        // a refit trained on the val rows records its cross-validated figures as its val figures
        JsonNode history = Json.MAPPER.readTree(reference.resolve("train/mlp/history.json").toFile());
        JsonNode selection = Json.MAPPER.readTree(reference.resolve("tune/mlp/selection.json").toFile());
        int best = history.get("best_epoch").asInt();
        assertThat(history.at("/epochs/" + (best - 1) + "/val_loss").asDouble())
                .isEqualTo(selection.get("winner_mean_val_nll").asDouble());
    }

    @Test
    void rerunIsUpToDateAndAForcedRerunGivesTheSameBytes(@TempDir Path work) throws Exception {
        Pipeline.run(new RunRequest(spec, work, null, false, null));
        assertThat(PipelineRunnerTest.payload(work)).isEqualTo(PipelineRunnerTest.payload(reference));
        RunResult again = Pipeline.run(new RunRequest(spec, work, null, false, null));
        assertThat(again.outcomes().values()).containsOnly(RunResult.Outcome.UP_TO_DATE);
        RunResult forced = Pipeline.run(new RunRequest(spec, work, StageName.TUNE, false, null));
        assertThat(forced.outcomes()).containsEntry(StageName.FEATURES, RunResult.Outcome.UP_TO_DATE)
                .containsEntry(StageName.TUNE, RunResult.Outcome.RAN);
        assertThat(PipelineRunnerTest.payload(work)).isEqualTo(PipelineRunnerTest.payload(reference));
    }

    @Test
    void threadsChangeOnlyTheSpeedAndAnUntunedHeadsChangeDoesNotRerunTune(@TempDir Path work) throws Exception {
        Pipeline.run(new RunRequest(spec, work, null, false, null));
        Path other = TinyPipeline.writeSpec(Files.createDirectories(inputs.resolve("threads")),
                relocated(tunedSpec().replace("threads: 2", "threads: 1")));
        RunResult r = Pipeline.run(new RunRequest(other, work, null, false, null));
        assertThat(r.outcomes().values()).containsOnly(RunResult.Outcome.UP_TO_DATE);
    }

    @Test
    void aKilledTuneResumesFromItsLoggedTrialsToTheSameSelection(@TempDir Path work) throws Exception {
        RunRequest.Hook crash = (stage, staging) -> {
            if (stage == StageName.TUNE) {
                throw new IOException("simulated crash in tune");
            }
        };
        assertThatThrownBy(() -> Pipeline.run(new RunRequest(spec, work, null, false, null, crash)))
                .isInstanceOf(RegulaException.class).hasMessageContaining("simulated crash in tune");
        assertThat(work.resolve("tune")).doesNotExist();
        // The crash came after every trial was logged; keep only the first two of the mlp's four, as if
        // the process had been killed mid-search, and none of the linear head's.
        Path mlpLog;
        try (Stream<Path> s = Files.walk(work.resolve(TuneStepNames.PARTIAL))) {
            List<Path> logs = s.filter(p -> p.getFileName().toString().equals("trials.jsonl")).toList();
            assertThat(logs).hasSize(2);
            mlpLog = logs.stream().filter(p -> p.toString().contains("/mlp/")).findFirst().orElseThrow();
            Path linearLog = logs.stream().filter(p -> p.toString().contains("/linear/")).findFirst().orElseThrow();
            dev.regula.models.Folders.deleteTree(linearLog.getParent());
        }
        List<String> logged = Files.readAllLines(mlpLog);
        assertThat(logged).hasSize(4);
        Files.write(mlpLog, logged.subList(0, 2));
        RunResult resumed = Pipeline.run(new RunRequest(spec, work, null, false, null));
        assertThat(resumed.outcomes()).containsEntry(StageName.FEATURES, RunResult.Outcome.UP_TO_DATE)
                .containsEntry(StageName.TUNE, RunResult.Outcome.RAN);
        Manifest m = Json.read(work.resolve("tune").resolve(Manifest.FILE), Manifest.class);
        Manifest full = Json.read(reference.resolve("tune").resolve(Manifest.FILE), Manifest.class);
        @SuppressWarnings("unchecked")
        long resumedEpochs = ((Map<String, Number>) m.timings().get("epochs_trained")).get("mlp").longValue();
        @SuppressWarnings("unchecked")
        long fullEpochs = ((Map<String, Number>) full.timings().get("epochs_trained")).get("mlp").longValue();
        assertThat(resumedEpochs).as("only the two missing trials were trained").isPositive().isLessThan(fullEpochs);
        for (String f : List.of("tune/mlp/selection.json", "tune/mlp/trials.jsonl", "tune/linear/selection.json",
                "train/mlp/head.json")) {
            assertThat(work.resolve(f)).hasSameBinaryContentAs(reference.resolve(f));
        }
        assertThat(PipelineRunnerTest.payload(work)).isEqualTo(PipelineRunnerTest.payload(reference));
        assertThat(work.resolve(TuneStepNames.PARTIAL)).doesNotExist();
    }

    @Test
    void anEnsembleOverTheTopTrialsRefitsThemAndFitsItsCombinerOnHeldOutPredictions(@TempDir Path work) throws Exception {
        Path withEnsemble = TinyPipeline.writeSpec(Files.createDirectories(inputs.resolve("ensemble")),
                relocated(tunedSpec()) + "ensemble: {members: {top_trials: 3, heads: [linear]}, combiner: caruana}\n");
        RunResult r = Pipeline.run(new RunRequest(withEnsemble, work, null, false, null));
        assertThat(r.outcomes()).containsKeys(StageName.TUNE, StageName.ENSEMBLE);
        JsonNode report = Json.MAPPER.readTree(work.resolve("ensemble/report.json").toFile());
        List<String> members = new ArrayList<>();
        report.get("members").forEach(m -> members.add(m.asText()));
        assertThat(members).hasSize(4).first().isEqualTo("linear");
        assertThat(members.subList(1, 4)).allMatch(m -> m.matches("(linear|mlp)-t-[0-9a-f]{12}"));
        assertThat(members.subList(1, 4)).doesNotContain("linear-" + Json.MAPPER.readTree(
                work.resolve("tune/linear/selection.json").toFile()).get("winner").asText());
        // the members are the three best completed trials by mean CV NLL
        List<double[]> ranked = new ArrayList<>();
        for (String m : members.subList(1, 4)) {
            String head = m.substring(0, m.indexOf("-t-"));
            String id = m.substring(head.length() + 1);
            for (String line : Files.readAllLines(work.resolve("tune").resolve(head).resolve("trials.jsonl"))) {
                JsonNode t = Json.MAPPER.readTree(line);
                if (t.get("id").asText().equals(id)) {
                    ranked.add(new double[] {t.get("mean_val_nll").asDouble()});
                }
            }
            assertThat(work.resolve("ensemble/members").resolve(m + ".json")).isRegularFile();
        }
        assertThat(ranked).hasSize(3);
        assertThat(ranked.get(0)[0]).isLessThanOrEqualTo(ranked.get(1)[0]);
        assertThat(ranked.get(1)[0]).isLessThanOrEqualTo(ranked.get(2)[0]);
        assertThat(r.model()).isRegularFile();
        RunResult again = Pipeline.run(new RunRequest(withEnsemble, work, null, false, null));
        assertThat(again.outcomes().values()).containsOnly(RunResult.Outcome.UP_TO_DATE);
    }

    static String relocated(String yaml) {
        return yaml.replace("model: backbone.onnx", "model: ../backbone.onnx")
                .replace("tokenizer: tokenizer.json", "tokenizer: ../tokenizer.json")
                .replace("path: data.jsonl", "path: ../data.jsonl");
    }

    /** The tune stage's names this test relies on. */
    static final class TuneStepNames {
        static final String PARTIAL = dev.regula.pipeline.stage.tune.TuneStep.PARTIAL;
    }
}
