package dev.regula.pipeline.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.regula.ensemble.Ensemble;
import dev.regula.pipeline.RegulaException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * ensemble: runs only when the spec has an {@code ensemble:} section; {@link EnsembleStep} on the
 * committed features and trained heads (in spec order). The trained heads' weights stay in
 * {@code train/}; seed, bagging and snapshot members, trained here, and the soup are saved under {@code members/}.
 */
final class EnsembleStage implements Stage {
    static final String ENSEMBLE = EnsembleStep.ENSEMBLE;
    static final String REPORT = EnsembleStep.REPORT;

    @Override
    public StageName name() {
        return StageName.ENSEMBLE;
    }

    @Override
    public List<StageName> upstream(StageContext ctx) {
        return List.of(StageName.FEATURES, StageName.TRAIN);
    }

    @Override
    public JsonNode config(StageContext ctx) {
        ObjectNode c = JsonNodeFactory.instance.objectNode();
        c.set("ensemble", ctx.spec().section("ensemble"));
        c.set("seed", ctx.spec().section("seed"));
        return c;
    }

    @Override
    public Map<String, Object> run(StageContext ctx, Path staging) throws RegulaException {
        EnsembleStep.buildInto(inputs(ctx), staging);
        return Map.of();
    }

    private static EnsembleStep.Inputs inputs(StageContext ctx) throws RegulaException {
        return new EnsembleStep.Inputs(ctx.spec().file().toString(), ctx.spec().section("ensemble"), ctx.spec().seed(),
                FeaturesStage.store(ctx), TrainStage.heads(ctx), ctx::log);
    }

    /** The ensemble the stage wrote, rebuilt from train/ and checked against ensemble.json ({@link EnsembleStep#load}). */
    static Ensemble load(StageContext ctx) throws RegulaException {
        return EnsembleStep.load(inputs(ctx), ctx.dir(StageName.ENSEMBLE));
    }
}
