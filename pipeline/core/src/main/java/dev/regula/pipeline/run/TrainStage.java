package dev.regula.pipeline.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.regula.pipeline.RegulaException;
import dev.regula.pipeline.spec.Sections;
import dev.regula.transfer.train.EpochRecord;
import dev.regula.transfer.train.TrainedHead;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * train: every head of the spec trained on the stored features. Writes {@code <name>/head.json}
 * (weights and specs, reloadable), {@code <name>/history.json} and {@code heads.json} (one line of
 * figures per head).
 */
final class TrainStage implements Stage {
    static final String HEAD = "head.json";
    static final String HISTORY = "history.json";
    static final String SUMMARY = "heads.json";

    @Override
    public StageName name() {
        return StageName.TRAIN;
    }

    @Override
    public List<StageName> upstream(StageContext ctx) {
        return List.of(StageName.FEATURES);
    }

    @Override
    public JsonNode config(StageContext ctx) {
        ObjectNode c = JsonNodeFactory.instance.objectNode();
        c.set("heads", ctx.spec().section("heads"));
        c.set("seed", ctx.spec().section("seed"));
        return c;
    }

    @Override
    public Map<String, Object> run(StageContext ctx, Path staging) throws RegulaException {
        return TrainStep.trainInto(FeaturesStage.store(ctx), ctx.spec().heads(), staging, ctx::log);
    }

    /** Reloads every trained head, by name, in spec order. */
    static Map<String, TrainedHead> heads(StageContext ctx) throws RegulaException {
        Map<String, TrainedHead> out = new LinkedHashMap<>();
        for (Sections.Head h : ctx.spec().heads()) {
            Path f = ctx.dir(StageName.TRAIN).resolve(h.name()).resolve(HEAD);
            try {
                out.put(h.name(), HeadFile.load(f));
            } catch (IOException | IllegalArgumentException e) {
                throw new RegulaException("cannot reload trained head " + f + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    /** Head names by validation NLL, best first (train NLL when there is no validation split); ties keep spec order. */
    static List<String> rankByValNll(Map<String, TrainedHead> heads) {
        List<String> names = new ArrayList<>(heads.keySet());
        names.sort(java.util.Comparator.comparingDouble(n -> {
            EpochRecord b = heads.get(n).history().best();
            return b.valLoss() != null ? b.valLoss() : b.trainLoss();
        }));
        return names;
    }
}
