package dev.regula.pipeline.stage.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.regula.pipeline.RegulaException;
import dev.regula.pipeline.run.Json;
import dev.regula.pipeline.run.Manifest;
import dev.regula.pipeline.run.Stage;
import dev.regula.pipeline.run.StageContext;
import dev.regula.pipeline.run.StageName;
import dev.regula.pipeline.stage.ensemble.EnsembleStep;
import dev.regula.pipeline.stage.export.ExportStep;
import dev.regula.pipeline.stage.train.TrainStage;
import dev.regula.pipeline.stage.validate.Gates;
import dev.regula.pipeline.stage.validate.ValidateStep;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * report, as the pipeline runs it: the page of {@link ReportPage} from the stage folders of the work folder, written through
 * {@link ReportStep}. Everything on the page is a function of the stage payloads, except the
 * measured latency and throughput, read from validate's manifest: those cells sit in one element
 * between {@link ReportStep#TIMINGS_BEGIN} and {@link ReportStep#TIMINGS_END}, the only bytes that differ when validate
 * reruns with the same inputs ({@link ReportStep#maskTimings}).
 */
public final class ReportStage implements Stage {
    @Override
    public StageName name() {
        return StageName.REPORT;
    }

    @Override
    public List<StageName> upstream(StageContext ctx) {
        List<StageName> up = new java.util.ArrayList<>();
        if (ctx.spec().tunes()) {
            up.add(StageName.TUNE); // the tune section's curves and verdicts read ctx.dir(StageName.TUNE)
        }
        up.add(StageName.TRAIN);
        if (ctx.spec().ensembleSection().isPresent()) {
            up.add(StageName.ENSEMBLE);
        }
        up.add(StageName.EXPORT);
        up.add(StageName.VALIDATE);
        return up;
    }

    @Override
    public JsonNode config(StageContext ctx) {
        ObjectNode c = JsonNodeFactory.instance.objectNode();
        c.set("report", ctx.spec().section("report"));
        c.set("gates", ctx.spec().section("validate") == null ? null : ctx.spec().section("validate").get("gates"));
        return c;
    }

    /**
     * The timings shown come from validate's manifest, which its output hash does not cover; hashing
     * them here makes the page rerun whenever validate did, so it never shows another run's timings.
     */
    @Override
    public Map<String, String> externalInputs(StageContext ctx) throws RegulaException {
        Map<String, String> in = new TreeMap<>();
        in.put("validate.timings", Json.hash(Json.MAPPER.valueToTree(validateTimings(ctx))));
        return in;
    }

    /** The tune stage's folder when the spec tunes a head (then tune is an upstream), else null: no tune section. */
    static Path tuneDir(StageContext ctx) {
        return ctx.spec().tunes() ? ctx.dir(StageName.TUNE) : null;
    }

    private static Map<String, Object> validateTimings(StageContext ctx) throws RegulaException {
        // empty when validate has not run yet in this work folder; the runner runs it first
        return ReportStep.validateTimings(ctx.dir(StageName.VALIDATE).resolve(Manifest.FILE));
    }

    @Override
    public Map<String, Object> run(StageContext ctx, Path staging) throws RegulaException {
        Path reportFile = ctx.dir(StageName.VALIDATE).resolve(ValidateStep.REPORT);
        JsonNode v;
        JsonNode ensemble = null;
        try {
            v = Json.MAPPER.readTree(reportFile.toFile());
            if (ctx.spec().ensembleSection().isPresent()) {
                ensemble = Json.MAPPER.readTree(ctx.dir(StageName.ENSEMBLE).resolve(EnsembleStep.REPORT).toFile());
            }
        } catch (IOException e) {
            throw RegulaException.atKey("report", e);
        }
        String title = ctx.spec().report().path("title").asText(ReportStep.DEFAULT_TITLE);
        ReportStep.writeInto(new ReportPage(title, TrainStage.heads(ctx), v, true, validateTimings(ctx),
                Gates.failures(ctx.spec().validate().gates(), v), ensemble,
                ctx.dir(StageName.EXPORT).resolve(ExportStep.MODEL), tuneDir(ctx)), staging);
        ctx.log("report: " + ReportStep.HTML);
        return Map.of();
    }
}
