package dev.regula.pipeline.stage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.regula.pipeline.RegulaException;
import dev.regula.pipeline.run.Determinism;
import dev.regula.pipeline.run.Json;
import dev.regula.pipeline.run.PipelineRunner;
import dev.regula.pipeline.run.RunRequest;
import dev.regula.pipeline.run.RunResult;
import dev.regula.pipeline.run.Stage;
import dev.regula.pipeline.run.StageName;
import dev.regula.pipeline.spec.PipelineSpec;
import dev.regula.pipeline.spec.SpecReader;
import dev.regula.pipeline.stage.ensemble.EnsembleStage;
import dev.regula.pipeline.stage.export.ExportStage;
import dev.regula.pipeline.stage.export.ExportStep;
import dev.regula.pipeline.stage.features.FeaturesStage;
import dev.regula.pipeline.stage.imports.ImportStage;
import dev.regula.pipeline.stage.report.ReportStage;
import dev.regula.pipeline.stage.train.TrainStage;
import dev.regula.pipeline.stage.tune.TuneStage;
import dev.regula.pipeline.stage.tune.TuneStep;
import dev.regula.pipeline.stage.validate.GateFailedException;
import dev.regula.pipeline.stage.validate.Gates;
import dev.regula.pipeline.stage.validate.ValidateStage;
import dev.regula.pipeline.stage.validate.ValidateStep;
import dev.regula.models.Hashing;
import dev.regula.transfer.tune.TrialRunner;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A pipeline spec run stage by stage (import → features → [tune] → train → [ensemble] → export → validate →
 * [report]) by the {@link PipelineRunner}, then the validation gates checked and
 * {@code <work>/summary.json} written. The core behind {@code regula run} and the Maven plugin.
 *
 * <p>Byte-identical reruns need one libtorch thread; {@link #run} sets the DJL system properties for
 * that unless they are set already, which works only if DJL's engine has not been loaded yet in
 * this JVM. A program that trains with DJL before calling {@link #run} must set
 * {@code -Dai.djl.pytorch.num_threads=1 -Dai.djl.pytorch.num_interop_threads=1} itself.
 */
public final class Pipeline {
    /** The run's summary, beside the stage folders. */
    public static final String SUMMARY = "summary.json";

    private Pipeline() {
    }

    /**
     * Runs the pipeline.
     *
     * @throws dev.regula.pipeline.spec.SpecException for a bad spec (nothing is run)
     * @throws GateFailedException when a validation gate fails (every stage has finished and the summary is written)
     * @throws RegulaException when a stage fails (earlier stages stay committed; the failed one leaves nothing)
     */
    public static RunResult run(RunRequest request) throws RegulaException {
        return run(request, FeaturesStage.LOCAL);
    }

    /** Runs the pipeline as {@link #run(RunRequest)} does, with the neural features extracted by {@code features}. */
    public static RunResult run(RunRequest request, FeaturesStage.Engine features) throws RegulaException {
        return run(request, features, null);
    }

    /**
     * Runs the pipeline as {@link #run(RunRequest)} does, with the neural features extracted by {@code features}
     * and the tune stage's stacked trials trained by {@code trials} (null = in this JVM).
     */
    public static RunResult run(RunRequest request, FeaturesStage.Engine features, TrialRunner trials) throws RegulaException {
        Determinism.configure();
        PipelineSpec spec = SpecReader.read(request.spec());
        Preflight.classWeights(spec);
        // the summary is written under the work folder's lock too
        return PipelineRunner.run(request, spec, stages(spec, features, trials), ran -> finish(spec, request.workDir(), ran));
    }

    /**
     * The stages a spec runs, in run order: tune only when some head has a range or {@code auto}, the
     * ensemble and report stages only when it has their sections.
     */
    static List<Stage> stages(PipelineSpec spec) {
        return stages(spec, FeaturesStage.LOCAL);
    }

    static List<Stage> stages(PipelineSpec spec, FeaturesStage.Engine features) {
        return stages(spec, features, null);
    }

    static List<Stage> stages(PipelineSpec spec, FeaturesStage.Engine features, TrialRunner trials) {
        List<Stage> s = new ArrayList<>(List.of(new ImportStage(), new FeaturesStage(features)));
        if (spec.tunes()) {
            s.add(new TuneStage(trials));
        }
        s.add(new TrainStage());
        if (spec.ensembleSection().isPresent()) {
            s.add(new EnsembleStage());
        }
        s.add(new ExportStage());
        s.add(new ValidateStage());
        if (spec.reportSection().isPresent()) {
            s.add(new ReportStage());
        }
        return s;
    }

    /** Per tuned head: strategy, rule, winner and its CV figures, and the verdicts (knob, verdict, edge, gaps, advice). */
    private static ObjectNode tuneSummary(Path tuneDir) throws RegulaException {
        ObjectNode out = Json.MAPPER.createObjectNode();
        for (Map.Entry<String, JsonNode> e : TuneStep.summary(tuneDir).entrySet()) {
            JsonNode h = e.getValue();
            ObjectNode o = out.putObject(e.getKey());
            for (String k : List.of("strategy", "rule", "folds", "trials", "winner", "winner_params", "winner_mean_val_nll",
                    "winner_se", "winner_gap", "model", "refit_epochs")) {
                if (h.has(k)) {
                    o.set(k, h.get(k));
                }
            }
            com.fasterxml.jackson.databind.node.ArrayNode vs = o.putArray("verdicts");
            for (JsonNode v : h.path("verdicts")) {
                ObjectNode n = vs.addObject();
                for (String k : List.of("knob", "verdict", "edge", "reference_gap", "selected_gap", "advice")) {
                    n.set(k, v.get(k));
                }
            }
        }
        return out;
    }

    private static RunResult finish(PipelineSpec spec, Path work, PipelineRunner.Ran ran) throws RegulaException {
        JsonNode report;
        Path reportFile = work.resolve(StageName.VALIDATE.dir()).resolve(ValidateStep.REPORT);
        try {
            report = Json.MAPPER.readTree(reportFile.toFile());
        } catch (IOException e) {
            throw new RegulaException("cannot read " + reportFile + ": " + e.getMessage(), e);
        }
        List<String> failures = Gates.failures(spec.validate().gates(), report);
        Path model = work.resolve(StageName.EXPORT.dir()).resolve(ExportStep.MODEL);
        ObjectNode summary = Json.MAPPER.createObjectNode();
        summary.put("spec", spec.file().toAbsolutePath().normalize().toString());
        summary.put("model", model.toString());
        try {
            summary.put("model_sha256", Hashing.sha256(model));
        } catch (IOException e) {
            throw new RegulaException("cannot read the exported model: " + e.getMessage(), e);
        }
        ObjectNode stages = summary.putObject("stages");
        ran.outcomes().forEach((s, o) -> stages.put(s.dir(), o == RunResult.Outcome.RAN ? "ran" : "up to date"));
        summary.set("validation", report);
        if (spec.tunes()) {
            summary.set("tune", tuneSummary(work.resolve(StageName.TUNE.dir())));
        }
        summary.set("timing", Json.MAPPER.valueToTree(ran.manifests().get(StageName.VALIDATE).timings()));
        ObjectNode seconds = summary.putObject("stage_seconds");
        ran.manifests().forEach((s, m) -> seconds.set(s.dir(), Json.MAPPER.valueToTree(m.timings().get("seconds"))));
        summary.put("gates_passed", failures.isEmpty());
        summary.set("gate_failures", Json.MAPPER.valueToTree(failures));
        try {
            Json.write(work.resolve(SUMMARY), summary);
        } catch (IOException e) {
            throw new RegulaException("cannot write " + work.resolve(SUMMARY) + ": " + e.getMessage(), e);
        }
        if (!failures.isEmpty()) {
            throw new GateFailedException(failures, Json.MAPPER.convertValue(report, Map.class));
        }
        return new RunResult(ran.outcomes(), work, summary);
    }
}
