package dev.regula.pipeline.stage.features;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import dev.regula.models.OnnxModel;
import dev.regula.pipeline.Problem;
import dev.regula.pipeline.RegulaException;
import dev.regula.pipeline.run.Json;
import dev.regula.pipeline.run.StageContext;
import dev.regula.pipeline.run.StageName;
import dev.regula.pipeline.spec.Sections;
import dev.regula.transfer.backbone.Backbone;
import dev.regula.transfer.backbone.FeatureModel;
import dev.regula.transfer.data.Dataset;
import dev.regula.transfer.data.DatasetException;
import dev.regula.transfer.data.DatasetReader;
import dev.regula.transfer.data.Example;
import dev.regula.transfer.data.Splits;
import dev.regula.transfer.data.Splitter;
import dev.regula.transfer.encode.TextEncoder;
import dev.regula.transfer.finetune.HiddenStateCache;
import dev.regula.transfer.finetune.InterpreterException;
import dev.regula.transfer.finetune.UnfreezePlan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The features stage's part for {@code backbone.unfreeze}: the hidden states at the cut, computed
 * once per example on ONNX Runtime and kept under {@code hidden/} ({@code <split>.bin} and
 * {@code plan.json}: the cut, the trainable initializers, the sizes), in the stage's staging folder
 * so they appear atomically with the store.
 */
public final class HiddenStates {
    /** The folder under the features stage. */
    public static final String DIR = "hidden";
    /** The cut and what trains above it. */
    public static final String PLAN = "plan.json";
    /** Examples per ONNX Runtime run when caching (each batch padded to its longest example). */
    private static final int BATCH = 16;

    private HiddenStates() {
    }

    /** Where to cut {@code model} and what trains above the cut, as {@code u} asks; errors name the key. */
    public static UnfreezePlan plan(Sections.Unfreeze u, FeatureModel model) throws RegulaException {
        var g = model.proto().getGraph();
        try {
            return u.layers() != null ? UnfreezePlan.lastLayers(g, u.layers()) : UnfreezePlan.atTensor(g, u.cut(), FeatureModel.OUTPUT);
        } catch (InterpreterException | IllegalArgumentException e) {
            String key = u.layers() != null ? "backbone.unfreeze.layers" : "backbone.unfreeze.cut";
            throw new RegulaException(Problem.atKey(key, e.getMessage()).withExpected(u.layers() != null
                    ? "a layer count the backbone has" : "the hidden state entering a layer",
                    u.layers() != null ? String.valueOf(u.layers()) : u.cut()), e);
        }
    }

    /** Caches every split's hidden states at the cut into {@code staging/hidden}; returns what to record. */
    static Map<String, Object> extractInto(StageContext ctx, FeatureModel model, Backbone backbone, Path staging,
                                           Consumer<String> log) throws RegulaException {
        Sections.Unfreeze u = ctx.spec().backbone().unfreeze();
        UnfreezePlan plan = plan(u, model);
        if (backbone.tokenizer() == null) {
            throw new RegulaException(Problem.atKey("backbone.tokenizer", "backbone.unfreeze caches tokenized text, and the"
                    + " backbone has no tokenizer").withExpected("a tokenizer.json", null));
        }
        Splits splits;
        try {
            Dataset data = DatasetReader.read(ctx.spec().data());
            splits = Splitter.split(data, FeaturesStep.splitSpec(ctx.spec()));
        } catch (DatasetException e) {
            throw RegulaException.atKey("data", e);
        }
        Path dir = staging.resolve(DIR);
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("cut", plan.cut());
        info.put("layers", plan.layers());
        info.put("trainable", new ArrayList<>(plan.trainable()));
        info.put("cache_dtype", u.cacheDtype().name().toLowerCase(java.util.Locale.ROOT));
        Map<String, Long> bytes = new LinkedHashMap<>();
        Map<String, Long> tokens = new LinkedHashMap<>();
        long t0 = System.nanoTime();
        OnnxModel onnx = OnnxModel.of(model.proto());
        try (TextEncoder enc = TextEncoder.open(backbone.tokenizer().file(), ctx.spec().backbone().maxLength(),
                ctx.spec().backbone().truncation());
             NDManager scratch = Engine.getInstance().newBaseManager()) {
            Files.createDirectories(dir);
            for (String split : Splits.NAMES) {
                List<Example> rows = splits.get(split);
                if (rows.isEmpty()) {
                    continue;
                }
                HiddenStateCache cache = HiddenStateCache.extract(onnx, plan.cut(), enc.encodeAll(rows.stream().map(Example::text).toList()),
                        BATCH, u.cacheDtype(), scratch);
                cache.write(dir.resolve(split + ".bin"));
                bytes.put(split, cache.bytes());
                long n = 0;
                for (int i = 0; i < cache.size(); i++) {
                    n += cache.length(i);
                }
                tokens.put(split, n);
            }
            info.put("bytes", bytes);
            info.put("tokens", tokens);
            Json.write(dir.resolve(PLAN), info);
        } catch (InterpreterException e) {
            throw new RegulaException(Problem.atKey("backbone.unfreeze", "cannot cache the hidden states at '" + plan.cut() + "': "
                    + e.getMessage()), e);
        } catch (IOException e) {
            throw new RegulaException("features: cannot write " + dir + ": " + e.getMessage(), e);
        }
        long total = bytes.values().stream().mapToLong(Long::longValue).sum();
        double seconds = (System.nanoTime() - t0) / 1e9;
        log.accept(String.format(java.util.Locale.ROOT, "features: hidden states at %s (last %d layers unfrozen), %s, %d bytes, %.1f s",
                plan.cut(), plan.layers(), info.get("cache_dtype"), total, seconds));
        return Map.of("hidden_seconds", seconds, "hidden_bytes", total);
    }

    /** The committed plan: the cut and the trainable initializers. */
    public static UnfreezePlan committedPlan(StageContext ctx) throws RegulaException {
        Path f = ctx.dir(StageName.FEATURES).resolve(DIR).resolve(PLAN);
        try {
            JsonNode n = Json.MAPPER.readTree(f.toFile());
            List<String> trainable = new ArrayList<>();
            n.get("trainable").forEach(t -> trainable.add(t.asText()));
            return new UnfreezePlan(n.get("cut").asText(), new java.util.LinkedHashSet<>(trainable), n.get("layers").asInt());
        } catch (IOException | RuntimeException e) {
            throw new RegulaException("cannot read the unfreeze plan " + f + ": " + e.getMessage(), e);
        }
    }

    /** The committed cache of {@code split}, memory-mapped. */
    public static HiddenStateCache committed(StageContext ctx, String split) throws RegulaException {
        Path f = ctx.dir(StageName.FEATURES).resolve(DIR).resolve(split + ".bin");
        try {
            return HiddenStateCache.read(f);
        } catch (IOException e) {
            throw new RegulaException("cannot read the hidden-state cache " + f + ": " + e.getMessage(), e);
        }
    }
}
