package dev.regula.pipeline.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.regula.pipeline.RegulaException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * report: the page of {@link ReportPage} from the stage folders of the work folder, written through
 * {@link ReportStep}. Everything on the page is a function of the stage payloads, except the
 * measured latency and throughput, read from validate's manifest: those cells sit in one element
 * between {@link #TIMINGS_BEGIN} and {@link #TIMINGS_END}, the only bytes that differ when validate
 * reruns with the same inputs ({@link #maskTimings}).
 */
final class ReportStage implements Stage {
    static final String HTML = ReportStep.HTML;
    /** Marks where the measured timings start; they differ from run to run. */
    static final String TIMINGS_BEGIN = ReportStep.TIMINGS_BEGIN;
    static final String TIMINGS_END = ReportStep.TIMINGS_END;

    @Override
    public StageName name() {
        return StageName.REPORT;
    }

    @Override
    public List<StageName> upstream(StageContext ctx) {
        return ctx.spec().ensembleSection().isPresent()
                ? List.of(StageName.TRAIN, StageName.ENSEMBLE, StageName.EXPORT, StageName.VALIDATE)
                : List.of(StageName.TRAIN, StageName.EXPORT, StageName.VALIDATE);
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
        return Map.of("validate.timings", Json.hash(Json.MAPPER.valueToTree(validateTimings(ctx))));
    }

    private static Map<String, Object> validateTimings(StageContext ctx) throws RegulaException {
        // empty when validate has not run yet in this work folder; the runner runs it first
        return ReportStep.validateTimings(ctx.dir(StageName.VALIDATE).resolve(Manifest.FILE));
    }

    /** The page with the measured-timings element's content blanked: what stays byte-identical across reruns. */
    static String maskTimings(String html) {
        return ReportStep.maskTimings(html);
    }

    @Override
    public Map<String, Object> run(StageContext ctx, Path staging) throws RegulaException {
        Path reportFile = ctx.dir(StageName.VALIDATE).resolve(ValidateStage.REPORT);
        JsonNode v;
        JsonNode ensemble = null;
        try {
            v = Json.MAPPER.readTree(reportFile.toFile());
            if (ctx.spec().ensembleSection().isPresent()) {
                ensemble = Json.MAPPER.readTree(ctx.dir(StageName.ENSEMBLE).resolve(EnsembleStage.REPORT).toFile());
            }
        } catch (IOException e) {
            throw new RegulaException("report: " + e.getMessage(), e);
        }
        String title = ctx.spec().report().path("title").asText(ReportStep.DEFAULT_TITLE);
        ReportStep.writeInto(new ReportPage(title, TrainStage.heads(ctx), v, true, validateTimings(ctx),
                Gates.failures(ctx.spec().validate().gates(), v), ensemble,
                ctx.dir(StageName.EXPORT).resolve(ExportStage.MODEL)), staging);
        ctx.log("report: " + HTML);
        return Map.of();
    }
}
