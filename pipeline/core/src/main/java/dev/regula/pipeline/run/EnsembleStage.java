package dev.regula.pipeline.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.regula.ensemble.ClassificationMetrics;
import dev.regula.ensemble.Combiner;
import dev.regula.ensemble.Ensemble;
import dev.regula.ensemble.EnsembleException;
import dev.regula.ensemble.EnsembleReport;
import dev.regula.ensemble.Member;
import dev.regula.ensemble.MemberFactory;
import dev.regula.ensemble.MemberPredictions;
import dev.regula.pipeline.RegulaException;
import dev.regula.transfer.features.FeatureMatrix;
import dev.regula.transfer.features.FeatureStore;
import dev.regula.transfer.train.TrainedHead;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * ensemble: runs only when the spec has an {@code ensemble:} section. Picks the members among the
 * trained heads, fits the configured combiner on the validation split, and writes
 * {@code ensemble.json} (members, combiner options and what it learned; the head weights stay in
 * {@code train/}) and {@code report.json}: test metrics of every member, of the best single member
 * (by validation NLL), of the configured combiner ({@code exported}) and of every other combiner kind
 * with its defaults, plus validation metrics (in-sample for the fitted combiners).
 */
final class EnsembleStage implements Stage {
    static final String ENSEMBLE = "ensemble.json";
    static final String REPORT = "report.json";

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
        Fitted f = fit(ctx);
        FeatureStore store = FeaturesStage.store(ctx);
        FeatureMatrix val = f.val();
        FeatureMatrix test = split(store, "test");
        List<Combiner> combiners = new ArrayList<>(List.of(f.ensemble().combiner()));
        MemberPredictions valPreds = MemberPredictions.heldOut(f.ensemble().members(), val);
        for (String kind : EnsembleConfig.CombinerConfig.KINDS) {
            if (!kind.equals(f.config().combiner().kind())) {
                combiners.add(EnsembleConfig.CombinerConfig.defaults(kind).fit(valPreds, ctx.spec().seed()));
            }
        }
        Map<String, Object> report = new TreeMap<>();
        try {
            EnsembleReport r = EnsembleReport.evaluate(f.ensemble().members(), combiners, val, test);
            report.put("test", r);
            Map<String, Object> valMetrics = new TreeMap<>();
            Map<String, Object> members = new TreeMap<>();
            for (int k = 0; k < valPreds.members(); k++) {
                members.put(valPreds.names().get(k), ClassificationMetrics.of(valPreds.proba()[k], val.labels()));
            }
            valMetrics.put("members", members);
            Map<String, Object> comb = new TreeMap<>();
            for (Combiner c : combiners) {
                comb.put(c.kind(), ClassificationMetrics.of(c.combine(valPreds.proba()), val.labels()));
            }
            valMetrics.put("combiners", comb);
            report.put("validation", valMetrics);
        } catch (EnsembleException e) {
            throw new RegulaException("ensemble: " + e.getMessage(), e);
        }
        report.put("exported", f.ensemble().combiner().kind());
        report.put("members", f.ensemble().members().stream().map(Member::name).toList());
        Map<String, Object> saved = new TreeMap<>();
        saved.put("members", report.get("members"));
        saved.put("combiner", f.ensemble().combiner().describe());
        saved.put("classes", store.labels());
        try {
            Json.write(staging.resolve(ENSEMBLE), saved);
            Json.write(staging.resolve(REPORT), report);
        } catch (IOException e) {
            throw new RegulaException("ensemble: cannot write " + staging + ": " + e.getMessage(), e);
        }
        ctx.log("ensemble: " + report.get("members") + " combined by " + f.ensemble().combiner().kind());
        return Map.of();
    }

    /** The spec's members and combiner, fitted on the validation split. */
    record Fitted(EnsembleConfig config, Ensemble ensemble, FeatureMatrix val) {}

    static Fitted fit(StageContext ctx) throws RegulaException {
        FeatureStore store = FeaturesStage.store(ctx);
        Map<String, TrainedHead> heads = TrainStage.heads(ctx);
        EnsembleConfig config = EnsembleConfig.parse(ctx.spec().file().toString(), ctx.spec().section("ensemble"),
                List.copyOf(heads.keySet()));
        FeatureMatrix train = split(store, "train");
        FeatureMatrix val = split(store, "val");
        if (val.rows() == 0) {
            throw new RegulaException("ensemble: the validation split is empty; the combiner is fitted on it, so give "
                    + "split.val a fraction > 0");
        }
        List<Member> all = new ArrayList<>();
        heads.forEach((n, h) -> all.add(Member.of(n, h, store.labels(), "train/" + n)));
        try {
            List<Member> members;
            if (config.topK() > 0) {
                members = new MemberFactory(train, val, store.labels()).topKByValNll(all, config.topK());
            } else {
                members = config.members().stream().map(n -> all.stream().filter(m -> m.name().equals(n)).findFirst()
                        .orElseThrow()).toList();
            }
            Combiner c = config.combiner().fit(MemberPredictions.heldOut(members, val), ctx.spec().seed());
            return new Fitted(config, Ensemble.of(members, c), val);
        } catch (EnsembleException e) {
            throw new RegulaException("ensemble: " + e.getMessage(), e);
        }
    }

    /**
     * Rebuilds the ensemble the ensemble stage wrote, from the trained heads in {@code train/}: the
     * combiner is refitted (deterministic given the seed, and cheap) and must learn exactly what
     * {@code ensemble.json} recorded, so an export can never disagree with the ensemble report.
     */
    static Ensemble load(StageContext ctx) throws RegulaException {
        Path file = ctx.dir(StageName.ENSEMBLE).resolve(ENSEMBLE);
        JsonNode saved;
        try {
            saved = Json.MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            throw new RegulaException("cannot read " + file + ": " + e.getMessage(), e);
        }
        Ensemble e = fit(ctx).ensemble();
        Map<String, Object> now = new LinkedHashMap<>();
        now.put("members", e.members().stream().map(Member::name).toList());
        now.put("combiner", e.combiner().describe());
        JsonNode expected = Json.MAPPER.valueToTree(Map.of("members", saved.get("members"), "combiner", saved.get("combiner")));
        if (!Json.compact(expected).equals(Json.compact(now))) {
            throw new RegulaException(file + ": the ensemble rebuilt from train/ differs from the recorded one "
                    + "(rerun with --from ensemble)");
        }
        return e;
    }

    private static FeatureMatrix split(FeatureStore store, String name) throws RegulaException {
        if (!store.splitNames().contains(name)) {
            throw new RegulaException("ensemble: the feature store has no '" + name + "' split; give split." + name
                    + " a fraction > 0");
        }
        return store.split(name);
    }
}
