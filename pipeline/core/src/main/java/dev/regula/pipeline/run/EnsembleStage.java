package dev.regula.pipeline.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.regula.ensemble.ClassificationMetrics;
import dev.regula.ensemble.Combiner;
import dev.regula.ensemble.CombinerSelection;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * ensemble: runs only when the spec has an {@code ensemble:} section. Picks the members among the
 * trained heads, fits the configured combiner on the validation split, and writes
 * {@code ensemble.json} (members, combiner options and what it learned; the trained heads' weights stay in
 * {@code train/}; seed and bagging members, trained here, are saved under {@code members/}) and {@code report.json}: test metrics of every member, of the best single member
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
        List<Member> extra = trainExtra(ctx, parseConfig(ctx), staging.resolve(MEMBERS));
        Fitted f = fit(ctx, extra);
        FeatureStore store = FeaturesStage.store(ctx);
        FeatureMatrix val = f.val();
        FeatureMatrix test = split(store, "test");
        MemberPredictions valPreds = MemberPredictions.heldOut(f.ensemble().members(), val);
        EnsembleConfig.CombinerConfig configured = f.config().combiner();
        String exported = f.ensemble().combiner().kind();
        long seed = ctx.spec().seed();
        // Shown: auto's candidates, or the configured combiner followed by the default candidates of other names.
        List<EnsembleConfig.CombinerConfig> shown = new ArrayList<>();
        if (configured.kind().equals(EnsembleConfig.CombinerConfig.AUTO)) {
            shown.addAll(configured.candidates());
        } else {
            shown.add(configured);
            EnsembleConfig.CombinerConfig.DEFAULT_CANDIDATES.stream().filter(c -> !c.name().equals(configured.name()))
                    .forEach(shown::add);
        }
        List<Combiner> combiners = new ArrayList<>();
        Map<String, Double> cvNll = new TreeMap<>();
        try {
            for (EnsembleConfig.CombinerConfig cc : shown) {
                combiners.add(cc.name().equals(exported) ? f.ensemble().combiner() : cc.fitOne(valPreds, seed));
                cvNll.put(cc.name(), f.selection() != null ? f.selection().cvNll().get(cc.name())
                        : CombinerSelection.crossValidatedNll(valPreds, rows -> cc.fitOne(rows, seed), SELECTION_FOLDS, seed));
            }
        } catch (EnsembleException e) {
            throw new RegulaException("ensemble: " + e.getMessage(), e);
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
            valMetrics.put("combiners_cv_nll", cvNll);
            report.put("validation", valMetrics);
        } catch (EnsembleException e) {
            throw new RegulaException("ensemble: " + e.getMessage(), e);
        }
        report.put("exported", exported);
        report.put("configured", configured.name());
        report.put("members", f.ensemble().members().stream().map(Member::name).toList());
        Map<String, Object> saved = new TreeMap<>();
        saved.put("members", report.get("members"));
        saved.put("combiner", f.ensemble().combiner().describe());
        if (f.selection() != null) {
            saved.put("selection", Map.of("by", "cross-validated validation NLL", "folds", f.selection().folds(),
                    "cv_nll", f.selection().cvNll(), "chosen", f.selection().name()));
        }
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
    record Fitted(EnsembleConfig config, Ensemble ensemble, FeatureMatrix val, CombinerSelection.Result selection) {}

    /** Folds of the cross-validated validation NLL reported for each combiner when the spec does not choose by it. */
    static final int SELECTION_FOLDS = 5;

    private static EnsembleConfig parseConfig(StageContext ctx) throws RegulaException {
        List<String> names = ctx.spec().heads().stream().map(h -> h.name()).toList();
        return EnsembleConfig.parse(ctx.spec().file().toString(), ctx.spec().section("ensemble"), names);
    }

    /**
     * Trains the {@code seeds:} and {@code bagging:} members (in that order) and saves each as
     * {@code <dir>/<name>.json} in train/'s head format, plus {@code <name>.rows.json} (bootstrap and
     * out-of-bag rows) for a bagging member, so {@link #load} rebuilds them without retraining.
     */
    private static List<Member> trainExtra(StageContext ctx, EnsembleConfig config, Path dir) throws RegulaException {
        if (config.seeds() == null && config.bagging() == null) {
            return List.of();
        }
        FeatureStore store = FeaturesStage.store(ctx);
        Map<String, TrainedHead> heads = TrainStage.heads(ctx);
        List<Member> out = new ArrayList<>();
        try {
            MemberFactory factory = new MemberFactory(split(store, "train"), split(store, "val"), store.labels());
            if (config.seeds() != null) {
                TrainedHead h = heads.get(config.seeds().head());
                long base = h.training().seed();
                for (int i = 1; i <= config.seeds().count(); i++) {
                    Member m = factory.seeds(h.spec(), h.regularization(), h.training(), base + i).get(0);
                    out.add(rename(m, config.seeds().head() + "-seed-" + i));
                }
            }
            if (config.bagging() != null) {
                TrainedHead h = heads.get(config.bagging().head());
                // bag i (from 1) trains with seed + BAG_SEED_OFFSET + i: clear of the seed members' seeds
                List<Member> bags = factory.bagging(h.spec(), h.regularization(),
                        h.training().withSeed(h.training().seed() + BAG_SEED_OFFSET + 1), config.bagging().count(),
                        ctx.spec().seed(), config.bagging().stopOn());
                for (int i = 0; i < bags.size(); i++) {
                    out.add(rename(bags.get(i), config.bagging().head() + "-bag-" + (i + 1)));
                }
            }
        } catch (EnsembleException e) {
            throw new RegulaException("ensemble: " + e.getMessage(), e);
        }
        for (Member m : out) {
            if (heads.containsKey(m.name())) {
                throw new RegulaException(ctx.spec().file() + ": ensemble: the extra member name '" + m.name()
                        + "' is also a head's name; rename that head");
            }
        }
        try {
            Files.createDirectories(dir);
            for (Member m : out) {
                HeadFile.save(m.head(), dir.resolve(m.name() + ".json"));
                if (m.trainRows() != null) {
                    Json.write(dir.resolve(m.name() + ROWS), new Rows(m.trainRows(), m.oobRows()));
                }
            }
        } catch (IOException e) {
            throw new RegulaException("ensemble: cannot write " + dir + ": " + e.getMessage(), e);
        }
        ctx.log("ensemble: trained " + out.size() + " extra members " + out.stream().map(Member::name).toList());
        return out;
    }

    static final String MEMBERS = "members";
    static final String ROWS = ".rows.json";
    static final long BAG_SEED_OFFSET = 1000;

    /** A bagging member's bootstrap draws and out-of-bag rows. */
    record Rows(@com.fasterxml.jackson.annotation.JsonProperty("train_rows") int[] trainRows,
            @com.fasterxml.jackson.annotation.JsonProperty("oob_rows") int[] oobRows) {}

    private static Member rename(Member m, String name) {
        return new Member(name, m.head(), m.classes(), m.trainRows(), m.oobRows(), m.origin());
    }

    /** Reloads the extra members the ensemble stage saved, in the order it trained them. */
    private static List<Member> loadExtra(StageContext ctx, EnsembleConfig config) throws RegulaException {
        Path dir = ctx.dir(StageName.ENSEMBLE).resolve(MEMBERS);
        List<String> names = new ArrayList<>();
        if (config.seeds() != null) {
            for (int i = 1; i <= config.seeds().count(); i++) {
                names.add(config.seeds().head() + "-seed-" + i);
            }
        }
        if (config.bagging() != null) {
            for (int i = 1; i <= config.bagging().count(); i++) {
                names.add(config.bagging().head() + "-bag-" + i);
            }
        }
        List<String> classes = FeaturesStage.store(ctx).labels();
        List<Member> out = new ArrayList<>();
        for (String n : names) {
            Path f = dir.resolve(n + ".json");
            try {
                TrainedHead h = HeadFile.load(f);
                Path rf = dir.resolve(n + ROWS);
                Rows rows = Files.exists(rf) ? Json.read(rf, Rows.class) : null;
                out.add(new Member(n, h, classes, rows == null ? null : rows.trainRows(), rows == null ? null : rows.oobRows(),
                        "seed:" + h.training().seed()));
            } catch (IOException | IllegalArgumentException e) {
                throw new RegulaException("cannot reload ensemble member " + f + ": " + e.getMessage()
                        + " (rerun with --from ensemble)", e);
            }
        }
        return out;
    }

    static Fitted fit(StageContext ctx, List<Member> extra) throws RegulaException {
        FeatureStore store = FeaturesStage.store(ctx);
        Map<String, TrainedHead> heads = TrainStage.heads(ctx);
        EnsembleConfig config = parseConfig(ctx);
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
            members = new ArrayList<>(members);
            members.addAll(extra);
            MemberPredictions preds = MemberPredictions.heldOut(members, val);
            if (config.combiner().kind().equals(EnsembleConfig.CombinerConfig.AUTO)) {
                CombinerSelection.Result r = config.combiner().select(preds, ctx.spec().seed());
                return new Fitted(config, Ensemble.of(members, r.chosen()), val, r);
            }
            Combiner c = config.combiner().fit(preds, ctx.spec().seed());
            return new Fitted(config, Ensemble.of(members, c), val, null);
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
        Ensemble e = fit(ctx, loadExtra(ctx, parseConfig(ctx))).ensemble();
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
