package dev.regula.pipeline.stage.tune;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.regula.pipeline.RegulaException;
import dev.regula.pipeline.run.Stage;
import dev.regula.pipeline.run.StageContext;
import dev.regula.pipeline.run.StageName;
import dev.regula.pipeline.spec.PipelineSpec;
import dev.regula.pipeline.spec.Sections;
import dev.regula.pipeline.stage.features.FeaturesStage;
import dev.regula.transfer.tune.TrialRunner;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * tune, as the pipeline runs it: only when some head has a range or {@code regularization: auto};
 * {@link TuneStep#tuneInto} on the committed features' train and val splits. Its resumable trial logs
 * live in {@code <work>/.tune-partial/} (see {@link TuneStep}) and are removed once the stage is committed.
 */
public final class TuneStage implements Stage {
    private final TrialRunner trials;

    /** Trials train in this JVM. */
    public TuneStage() {
        this(null);
    }

    /**
     * Trials train on {@code trials} (the Spark adapter's runner; null = this JVM). The stage's config and its
     * output do not depend on the runner, so a tune run on one is up to date for the other.
     */
    public TuneStage(TrialRunner trials) {
        this.trials = trials;
    }

    @Override
    public StageName name() {
        return StageName.TUNE;
    }

    @Override
    public List<StageName> upstream(StageContext ctx) {
        return List.of(StageName.FEATURES);
    }

    /**
     * The tuned heads as written, the {@code tune:} section and the seed. Untuned heads are left out
     * (changing one does not rerun the search), and so is {@code tune.threads}, which changes only the speed.
     */
    @Override
    public JsonNode config(StageContext ctx) {
        ObjectNode c = JsonNodeFactory.instance.objectNode();
        c.set("heads", tunedHeads(ctx.spec()));
        JsonNode t = ctx.spec().section("tune");
        if (t != null && t.isObject()) {
            ObjectNode copy = t.deepCopy();
            copy.remove("threads");
            c.set("tune", copy);
        }
        c.set("seed", ctx.spec().section("seed"));
        return c;
    }

    /** The {@code heads:} entries of the tuned heads, as written. */
    static ArrayNode tunedHeads(PipelineSpec spec) {
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        JsonNode written = spec.section("heads");
        List<Sections.Head> heads = spec.heads();
        for (int i = 0; i < heads.size(); i++) {
            if (heads.get(i).tuned()) {
                out.add(written.isArray() ? written.get(i) : written);
            }
        }
        return out;
    }

    @Override
    public Map<String, Object> run(StageContext ctx, Path staging) throws RegulaException {
        return TuneStep.tuneInto(FeaturesStage.store(ctx), ctx.spec().heads(), ctx.spec().tune(), ctx.spec().seed(), staging,
                partial(ctx), ctx::log, trials);
    }

    @Override
    public void afterCommit(StageContext ctx) throws RegulaException {
        TuneStep.clearPartial(partial(ctx));
    }

    private static Path partial(StageContext ctx) {
        return ctx.workFile(TuneStep.PARTIAL);
    }

    /** The committed {@code tune.json}: per tuned head, its strategy, winner, refit and verdicts. */
    public static Map<String, JsonNode> summary(StageContext ctx) throws RegulaException {
        return TuneStep.summary(ctx.dir(StageName.TUNE));
    }
}
