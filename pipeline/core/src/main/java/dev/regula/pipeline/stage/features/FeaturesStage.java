package dev.regula.pipeline.stage.features;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.regula.pipeline.Problem;
import dev.regula.pipeline.RegulaException;
import dev.regula.pipeline.run.Stage;
import dev.regula.pipeline.run.StageContext;
import dev.regula.pipeline.run.StageName;
import dev.regula.pipeline.stage.imports.ImportStage;
import dev.regula.transfer.backbone.Backbone;
import dev.regula.transfer.backbone.FeatureModel;
import dev.regula.transfer.features.FeatureJobSpec;
import dev.regula.models.Hashing;
import dev.regula.transfer.features.FeatureStore;
import dev.regula.transfer.features.FeatureStoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * features, as the pipeline runs it: {@link FeaturesStep#extractInto} on the committed feature
 * model and the spec's data, split and features sections; and the reader later stages use for the
 * committed store.
 */
public final class FeaturesStage implements Stage {
    /**
     * Where the neural features are extracted: in this JVM ({@link #LOCAL}) or on another engine
     * (the Spark adapter). An engine writes the same {@code store/} into the staging folder, so the
     * stage's config, and whether it is up to date, do not depend on the engine.
     */
    public interface Engine {
        /** Extracts {@code staging/store} for {@code job} with the committed {@code model}; returns timings to record. */
        Map<String, Object> extractInto(FeatureModel model, Backbone backbone, FeatureJobSpec job, Path staging,
                                        Consumer<String> log) throws RegulaException;
    }

    /** Extraction in this JVM. */
    public static final Engine LOCAL = FeaturesStep::extractInto;

    private final Engine engine;

    public FeaturesStage() {
        this(LOCAL);
    }

    public FeaturesStage(Engine engine) {
        this.engine = java.util.Objects.requireNonNull(engine, "engine");
    }

    @Override
    public StageName name() {
        return StageName.FEATURES;
    }

    @Override
    public List<StageName> upstream(StageContext ctx) {
        return List.of(StageName.IMPORT);
    }

    @Override
    public JsonNode config(StageContext ctx) {
        ObjectNode c = ctx.spec().sections("backbone", "data", "split", "features", "seed");
        // Of backbone.unfreeze only where the cut is and how it is stored change this stage's output;
        // the training keys belong to the train stage, so changing them does not recompute the cache.
        JsonNode u = c.path("backbone").path("unfreeze");
        if (!u.isMissingNode() && c.get("backbone").isObject()) {
            ObjectNode b = ((ObjectNode) c.get("backbone")).deepCopy();
            var unfreeze = ctx.spec().backbone().unfreeze();
            ObjectNode kept = b.putObject("unfreeze");
            if (unfreeze != null) {
                kept.put("layers", unfreeze.layers());
                kept.put("cut", unfreeze.cut());
                kept.put("cache_dtype", unfreeze.cacheDtype().name());
            }
            c.set("backbone", b);
        }
        // The batch size as it applies, defaults included: for a dynamically quantized backbone it
        // changes the features, so a changed default must rerun a spec that leaves the key out.
        c.put("effective_batch_size", ctx.spec().features().batchSize());
        return c;
    }

    @Override
    public Map<String, String> externalInputs(StageContext ctx) throws RegulaException {
        Path data = ctx.spec().data().path();
        try {
            return Map.of("data", Files.isDirectory(data) ? Hashing.sha256Tree(data) : Hashing.sha256(data));
        } catch (IOException e) {
            throw new RegulaException(Problem.atKey("data.path", "cannot read " + data + ": " + e.getMessage()).withExpected("a readable file", data.toString()), e);
        }
    }

    /** The store's manifest records when it was written; its payload files are hashed instead. */
    @Override
    public Set<String> unhashedFiles() {
        return Set.of(FeaturesStep.STORE + "/" + FeatureStore.MANIFEST);
    }

    @Override
    public Map<String, Object> run(StageContext ctx, Path staging) throws RegulaException {
        if (ctx.spec().features().lexicalKind()) {
            return LexicalStep.extractInto(ctx, staging);
        }
        if (ctx.spec().features().hybridKind()) {
            return HybridStep.extractInto(ctx, staging, engine);
        }
        FeatureModel model = ImportStage.featureModel(ctx);
        Backbone backbone = ImportStage.committed(ctx, model);
        Map<String, Object> timings = engine.extractInto(model, backbone,
                FeaturesStep.jobSpec(ctx.spec(), staging, ctx.cacheDir(), model.spec()), staging, ctx::log);
        if (ctx.spec().backbone().unfreeze() == null) {
            return timings;
        }
        Map<String, Object> all = new java.util.TreeMap<>(timings);
        all.putAll(HiddenStates.extractInto(ctx, model, backbone, staging, ctx::log));
        return all;
    }

    /**
     * The committed feature model the heads were trained on: the import stage's (neural), or for
     * {@code features.kind: lexical} the TF-IDF model this stage fitted on the train split, or for
     * {@code hybrid} the one graph of both this stage composed.
     */
    public static FeatureModel featureModel(StageContext ctx) throws RegulaException {
        if (!ctx.spec().features().fitsLexical()) {
            return ImportStage.featureModel(ctx);
        }
        try {
            return FeatureModel.load(ctx.dir(StageName.FEATURES).resolve(LexicalStep.FEATURE_MODEL));
        } catch (dev.regula.transfer.backbone.BackboneException e) {
            throw RegulaException.wrap(e);
        }
    }

    /**
     * Tokens per text the exported model is fed: {@code backbone.max_length}, or the lexical window
     * (lexical; hybrid, whose graph cuts the backbone's window from it).
     */
    public static int textMaxLength(StageContext ctx) {
        var f = ctx.spec().features();
        return f.fitsLexical() ? f.lexical().maxLength() : ctx.spec().backbone().maxLength();
    }

    /** Whether longer texts are cut: {@code backbone.truncation}; the lexical window (lexical, hybrid) always truncates. */
    public static boolean textTruncation(StageContext ctx) {
        return ctx.spec().features().fitsLexical() || ctx.spec().backbone().truncation();
    }

    /** The committed feature store. */
    public static FeatureStore store(StageContext ctx) throws RegulaException {
        try {
            return FeatureStore.open(ctx.dir(StageName.FEATURES).resolve(FeaturesStep.STORE));
        } catch (FeatureStoreException e) {
            throw RegulaException.wrap(e);
        }
    }
}
