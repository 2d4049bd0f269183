package dev.regula.pipeline.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.regula.pipeline.RegulaException;
import dev.regula.pipeline.spec.PipelineSpec;
import dev.regula.pipeline.spec.SpecReader;
import dev.regula.transfer.data.Hashing;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Runs a pipeline spec stage by stage (import → features → train → [ensemble] → export → validate → [report]),
 * skipping stages that are up to date, then checks the validation gates and writes
 * {@code <work>/summary.json}. The core behind {@code regula run} and the Maven plugin.
 *
 * <p>Byte-identical reruns need one libtorch thread; {@link #run} sets the DJL system properties for
 * that unless they are set already, which works only if DJL's engine has not been loaded yet in
 * this JVM. A program that trains with DJL before calling {@link #run} must set
 * {@code -Dai.djl.pytorch.num_threads=1 -Dai.djl.pytorch.num_interop_threads=1} itself.
 */
public final class PipelineRunner {
    private PipelineRunner() {
    }

    /**
     * Runs the pipeline.
     *
     * @throws dev.regula.pipeline.spec.SpecException for a bad spec (nothing is run)
     * @throws GateFailedException when a validation gate fails (every stage has finished and the summary is written)
     * @throws RegulaException when a stage fails (earlier stages stay committed; the failed one leaves nothing)
     */
    public static RunResult run(RunRequest request) throws RegulaException {
        Determinism.configure();
        PipelineSpec spec = SpecReader.read(request.spec());
        Path work = request.workDir();
        try {
            Files.createDirectories(work);
            StageFolders.clearStaging(work);
        } catch (IOException e) {
            throw new RegulaException("cannot prepare the work folder " + work + ": " + e.getMessage(), e);
        }
        StageContext ctx = new StageContext(spec, work, request.log());
        Map<StageName, RunResult.Outcome> outcomes = new LinkedHashMap<>();
        Map<StageName, Manifest> manifests = new LinkedHashMap<>();
        for (Stage stage : stages(spec)) {
            boolean forced = request.force() || (request.from() != null && stage.name().ordinal() >= request.from().ordinal());
            Map<String, String> inputs = new TreeMap<>(stage.externalInputs(ctx));
            for (StageName up : stage.upstream(ctx)) {
                inputs.put(up.dir(), manifests.get(up).outputDigest());
            }
            String configHash = Json.hash(stage.config(ctx));
            Path dir = ctx.dir(stage.name());
            Manifest current = forced ? null : UpToDate.check(dir, configHash, inputs, stage.unhashedFiles());
            if (current != null) {
                request.log().accept(stage.name() + ": up to date");
                outcomes.put(stage.name(), RunResult.Outcome.UP_TO_DATE);
                manifests.put(stage.name(), current);
                continue;
            }
            request.log().accept(stage.name() + ": running");
            manifests.put(stage.name(), runStage(stage, ctx, request, work, configHash, inputs, spec.seed()));
            outcomes.put(stage.name(), RunResult.Outcome.RAN);
        }
        return finish(spec, work, outcomes, manifests);
    }

    private static List<Stage> stages(PipelineSpec spec) {
        List<Stage> s = new ArrayList<>(List.of(new ImportStage(), new FeaturesStage(), new TrainStage()));
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

    private static Manifest runStage(Stage stage, StageContext ctx, RunRequest request, Path work, String configHash,
                                     Map<String, String> inputs, long seed) throws RegulaException {
        Path staging = null;
        try {
            staging = StageFolders.newStaging(work, stage.name());
            long t0 = System.nanoTime();
            Map<String, Object> timings = new TreeMap<>(stage.run(ctx, staging));
            Map<String, String> outputs = StageFolders.hashPayload(staging, stage.unhashedFiles());
            timings.put("seconds", (System.nanoTime() - t0) / 1e9);
            Manifest m = new Manifest(stage.name().dir(), Manifest.SCHEMA_VERSION, configHash, inputs, outputs, seed,
                    Versions.all(), timings);
            Json.write(staging.resolve(Manifest.FILE), m);
            request.hook().beforeCommit(stage.name(), staging);
            StageFolders.commit(staging, ctx.dir(stage.name()), work, stage.name());
            staging = null;
            request.log().accept(String.format(java.util.Locale.ROOT, "%s: done in %.1f s", stage.name(),
                    (Double) timings.get("seconds")));
            return m;
        } catch (IOException e) {
            throw new RegulaException(stage.name() + ": I/O error in " + work + ": " + e.getMessage(), e);
        } finally {
            if (staging != null) {
                try {
                    StageFolders.deleteTree(staging);
                } catch (IOException ignored) {
                    // the next run clears .staging anyway
                }
            }
        }
    }

    private static RunResult finish(PipelineSpec spec, Path work, Map<StageName, RunResult.Outcome> outcomes,
                                    Map<StageName, Manifest> manifests) throws RegulaException {
        JsonNode report;
        Path reportFile = work.resolve(StageName.VALIDATE.dir()).resolve(ValidateStage.REPORT);
        try {
            report = Json.MAPPER.readTree(reportFile.toFile());
        } catch (IOException e) {
            throw new RegulaException("cannot read " + reportFile + ": " + e.getMessage(), e);
        }
        List<String> failures = Gates.failures(spec.validate().gates(), report);
        ObjectNode summary = Json.MAPPER.createObjectNode();
        summary.put("spec", spec.file().toAbsolutePath().normalize().toString());
        summary.put("model", work.resolve(StageName.EXPORT.dir()).resolve(ExportStage.MODEL).toString());
        try {
            summary.put("model_sha256", Hashing.sha256(work.resolve(StageName.EXPORT.dir()).resolve(ExportStage.MODEL)));
        } catch (IOException e) {
            throw new RegulaException("cannot read the exported model: " + e.getMessage(), e);
        }
        ObjectNode stages = summary.putObject("stages");
        outcomes.forEach((s, o) -> stages.put(s.dir(), o == RunResult.Outcome.RAN ? "ran" : "up to date"));
        summary.set("validation", report);
        summary.set("timing", Json.MAPPER.valueToTree(manifests.get(StageName.VALIDATE).timings()));
        ObjectNode seconds = summary.putObject("stage_seconds");
        manifests.forEach((s, m) -> seconds.set(s.dir(), Json.MAPPER.valueToTree(m.timings().get("seconds"))));
        summary.put("gates_passed", failures.isEmpty());
        summary.set("gate_failures", Json.MAPPER.valueToTree(failures));
        try {
            Json.write(work.resolve("summary.json"), summary);
        } catch (IOException e) {
            throw new RegulaException("cannot write " + work.resolve("summary.json") + ": " + e.getMessage(), e);
        }
        if (!failures.isEmpty()) {
            throw new GateFailedException(failures, Json.MAPPER.convertValue(report, Map.class));
        }
        return new RunResult(outcomes, work, summary);
    }
}
