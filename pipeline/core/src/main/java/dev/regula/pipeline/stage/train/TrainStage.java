package dev.regula.pipeline.stage.train;

import com.fasterxml.jackson.databind.JsonNode;
import dev.regula.pipeline.RegulaException;
import dev.regula.pipeline.run.Stage;
import dev.regula.pipeline.run.StageContext;
import dev.regula.pipeline.run.StageName;
import dev.regula.pipeline.spec.Sections;
import dev.regula.pipeline.stage.features.FeaturesStage;
import dev.regula.transfer.train.TrainedHead;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * train, as the pipeline runs it: {@link TrainStep} on the committed features and the spec's
 * {@code heads:} (a tuned head's model taken from the committed tune folder); and the reader later
 * stages use for the committed heads.
 */
public final class TrainStage implements Stage {

    @Override
    public StageName name() {
        return StageName.TRAIN;
    }

    @Override
    public List<StageName> upstream(StageContext ctx) {
        if (ctx.spec().backbone().unfreeze() != null) {
            return List.of(StageName.IMPORT, StageName.FEATURES);
        }
        return ctx.spec().tunes() ? List.of(StageName.FEATURES, StageName.TUNE) : List.of(StageName.FEATURES);
    }

    @Override
    public JsonNode config(StageContext ctx) {
        com.fasterxml.jackson.databind.node.ObjectNode c = ctx.spec().sections("heads", "seed");
        JsonNode unfreeze = ctx.spec().section("backbone") == null ? null : ctx.spec().section("backbone").get("unfreeze");
        if (unfreeze != null && !unfreeze.isNull()) {
            // the training keys of backbone.unfreeze; the import and features stages see its cut
            c.set("unfreeze", unfreeze);
        }
        return c;
    }

    @Override
    public Map<String, Object> run(StageContext ctx, Path staging) throws RegulaException {
        // A tuned head's model is the tune stage's choice (<tune>/<head>/head.json, written in this stage's format).
        if (ctx.spec().backbone().unfreeze() != null) {
            return UnfreezeTrain.trainInto(ctx, staging);
        }
        Path tuned = ctx.spec().tunes() ? ctx.dir(StageName.TUNE) : null;
        return TrainStep.trainInto(FeaturesStage.store(ctx), ctx.spec().heads(), tuned, staging, ctx::log);
    }

    /** Reloads every trained head, by name, in spec order. */
    public static Map<String, TrainedHead> heads(StageContext ctx) throws RegulaException {
        Map<String, TrainedHead> out = new LinkedHashMap<>();
        for (Sections.Head h : ctx.spec().heads()) {
            Path f = ctx.dir(StageName.TRAIN).resolve(h.name()).resolve(TrainStep.HEAD);
            try {
                out.put(h.name(), HeadFile.load(f));
            } catch (IOException | IllegalArgumentException e) {
                throw new RegulaException("cannot reload trained head " + f + ": " + e.getMessage(), e);
            }
        }
        return out;
    }
}
