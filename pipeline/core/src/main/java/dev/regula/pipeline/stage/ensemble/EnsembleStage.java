package dev.regula.pipeline.stage.ensemble;

import com.fasterxml.jackson.databind.JsonNode;
import dev.regula.ensemble.Ensemble;
import dev.regula.pipeline.RegulaException;
import dev.regula.pipeline.run.Stage;
import dev.regula.pipeline.run.StageContext;
import dev.regula.pipeline.run.StageName;
import dev.regula.pipeline.stage.features.FeaturesStage;
import dev.regula.pipeline.stage.train.TrainStage;
import dev.regula.pipeline.stage.tune.TrialLibrary;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * ensemble, as the pipeline runs it: only when the spec has an {@code ensemble:} section; {@link EnsembleStep} on the
 * committed features and trained heads (in spec order). The trained heads' weights stay in
 * {@code train/}; seed, bagging and snapshot members, trained here, and the soup are saved under {@code members/}.
 */
public final class EnsembleStage implements Stage {
    @Override
    public StageName name() {
        return StageName.ENSEMBLE;
    }

    @Override
    public List<StageName> upstream(StageContext ctx) {
        return ctx.spec().tunes() ? List.of(StageName.FEATURES, StageName.TUNE, StageName.TRAIN)
                : List.of(StageName.FEATURES, StageName.TRAIN);
    }

    @Override
    public JsonNode config(StageContext ctx) {
        return ctx.spec().sections("ensemble", "seed");
    }

    @Override
    public Map<String, Object> run(StageContext ctx, Path staging) throws RegulaException {
        EnsembleStep.buildInto(inputs(ctx), staging);
        return Map.of();
    }

    private static EnsembleInputs inputs(StageContext ctx) throws RegulaException {
        return new EnsembleInputs(ctx.spec().file().toString(), ctx.spec().section("ensemble"), ctx.spec().seed(),
                FeaturesStage.store(ctx), TrainStage.heads(ctx), ctx.spec().tunes() ? TrialLibrary.read(ctx.dir(StageName.TUNE),
                        ctx.spec().heads(), ctx.spec().tune().refits()) : null, ctx::log);
    }

    /** The ensemble the stage wrote, rebuilt from train/ and checked against ensemble.json ({@link EnsembleStep#load}). */
    public static Ensemble load(StageContext ctx) throws RegulaException {
        return EnsembleStep.load(inputs(ctx), ctx.dir(StageName.ENSEMBLE));
    }
}
