package dev.regula.pipeline.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.regula.ensemble.ClassificationMetrics;
import dev.regula.ensemble.Combiner;
import dev.regula.ensemble.CombinerSelection;
import dev.regula.ensemble.Ensemble;
import dev.regula.ensemble.EnsembleException;
import dev.regula.ensemble.EnsembleReport;
import dev.regula.ensemble.Member;
import dev.regula.ensemble.MemberFactory;
import dev.regula.ensemble.MemberPredictions;
import dev.regula.ensemble.Soups;
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
import java.util.function.Consumer;

/**
 * The ensemble stage as a callable unit: picks the members among trained heads, trains the
 * {@code seeds:}/{@code bagging:}/{@code snapshots:} members, averages the {@code soup:} member,
 * fits the combiner on the validation split, and writes
 * {@code ensemble.json} (members, combiner and what it learned), {@code report.json} (test and
 * validation metrics of every member, the best single member and every combiner kind),
 * {@code config.json} (the ensemble section, seed and head order it was built with, so
 * {@code regula export --ensemble} can rebuild it) and {@code members/} (extra members). The
 * pipeline's ensemble stage and {@code regula ensemble} (explicit folders, {@link #run}) write through it.
 */
public final class EnsembleStep {
    static final String ENSEMBLE = "ensemble.json";
    static final String REPORT = "report.json";
    static final String CONFIG = "config.json";

    private EnsembleStep() {
    }

    /**
     * What the step reads.
     *
     * @param origin where the section came from, for messages (the spec file, or the command's options)
     * @param section the {@code ensemble:} section
     * @param heads the trained heads, in the order {@code members} defaults to
     */
    record Inputs(String origin, JsonNode section, long seed, FeatureStore store, Map<String, TrainedHead> heads,
                  Consumer<String> log) {
    }

    /**
     * An ensemble of trained heads on explicit folders. The {@code ensemble:} section comes from
     * {@code spec} (its {@code ensemble:} and {@code seed:}) or from the options, never both.
     *
     * @param features the features the heads were trained on (the output of {@code regula features})
     * @param heads the output folder of {@code regula train} (or a pipeline's work/train); heads in name order
     * @param spec a YAML file with an {@code ensemble:} section, or null
     * @param members head names, or empty for every head (unless {@code topK})
     * @param topK the K heads with the lowest validation NLL, or null
     * @param combiner combiner kind, or null for {@code mean}
     * @param combinerOptions combiner options, values in YAML ({@code strength=0.1}, {@code l2=[0.01, 0.1]})
     * @param seeds {@code HEAD:COUNT} seed members, or null
     * @param bagging {@code HEAD:COUNT} bagging members, or null
     * @param snapshots {@code HEAD:CYCLES:EPOCHS_PER_CYCLE} snapshot members, or null
     * @param soup {@code KIND:OF} the soup member ({@code uniform:snapshots}, {@code greedy:a,b}), or null
     * @param seed seed of the combiner and extra members (null: the spec's, else 42)
     */
    public record Request(Path features, Path heads, Path spec, List<String> members, Integer topK, String combiner,
                          Map<String, String> combinerOptions, String seeds, String bagging, String snapshots, String soup,
                          Long seed, Path out, Consumer<String> log) {
        public Request {
            java.util.Objects.requireNonNull(features, "features");
            java.util.Objects.requireNonNull(heads, "heads");
            java.util.Objects.requireNonNull(out, "out");
            members = members == null ? List.of() : List.copyOf(members);
            combinerOptions = combinerOptions == null ? Map.of() : Map.copyOf(combinerOptions);
            log = log == null ? line -> { } : log;
        }

        boolean hasOptions() {
            return !members.isEmpty() || topK != null || combiner != null || !combinerOptions.isEmpty() || seeds != null
                    || bagging != null || snapshots != null || soup != null;
        }
    }

    /**
     * What was written.
     *
     * @param members the members, extra ones included
     * @param combiner the exported combiner's kind
     * @param test the exported combiner's test metrics (accuracy, macro_f1, nll, brier, ece, ...)
     * @param bestSingle the member with the lowest validation NLL, and its test metrics
     */
    public record Result(Path out, List<String> members, String combiner, Map<String, Object> test, String bestSingle,
                         Map<String, Object> bestSingleTest) {
    }

    /** Builds the ensemble and writes {@code out} atomically (staging folder, then one move). */
    public static Result run(Request r) throws RegulaException {
        Determinism.configure();
        FeatureInputs features = FeatureInputs.open(r.features(), "--features");
        Map<String, TrainedHead> heads = TrainStep.loadHeads(r.heads(), "--heads", null);
        for (Map.Entry<String, TrainedHead> h : heads.entrySet()) {
            TrainStep.checkFits(h.getKey(), h.getValue(), features, "--heads");
        }
        String origin;
        com.fasterxml.jackson.databind.node.ObjectNode section;
        long seed = r.seed() != null ? r.seed() : dev.regula.pipeline.spec.SpecReader.DEFAULT_SEED_VALUE;
        if (r.spec() != null) {
            if (r.hasOptions()) {
                throw new RegulaException("--spec: give the ensemble in a spec or by options (--members, --combiner, ...), "
                        + "not both");
            }
            JsonNode root = dev.regula.pipeline.spec.SpecReader.readTree(r.spec());
            JsonNode e = root.get("ensemble");
            if (e == null || !e.isObject()) {
                throw new RegulaException(r.spec() + ": ensemble: required section, and missing (or not a mapping)");
            }
            section = (com.fasterxml.jackson.databind.node.ObjectNode) e;
            if (r.seed() == null && root.hasNonNull("seed")) {
                seed = root.get("seed").asLong();
            }
            origin = r.spec().toString();
        } else {
            section = EnsembleOptions.section(r);
            origin = EnsembleOptions.ORIGIN;
        }
        Inputs in = new Inputs(origin, section, seed, features.store(), heads, r.log());
        Path out = r.out().toAbsolutePath().normalize();
        try {
            return write(in, out);
        } catch (RegulaException e) {
            throw r.spec() == null ? EnsembleOptions.naming(e, r) : e;
        }
    }

    private static Result write(Inputs in, Path out) throws RegulaException {
        return OutputFolder.write(out, "--out", ENSEMBLE, staging -> {
            buildInto(in, staging);
            JsonNode report = Json.MAPPER.readTree(staging.resolve(REPORT).toFile());
            String kind = report.get("exported").asText();
            List<String> members = new ArrayList<>();
            report.get("members").forEach(m -> members.add(m.asText()));
            return new Result(out, members, kind, Json.MAPPER.convertValue(report.at("/test/combiners/" + kind), Map.class),
                    report.at("/test/best_single").asText(), Json.MAPPER.convertValue(report.at("/test/best_single_metrics"), Map.class));
        });
    }

    /**
     * Rebuilds an ensemble folder written by {@link #run} or the pipeline (from its {@code config.json})
     * on the given heads and features, checked against its {@code ensemble.json}.
     */
    static Ensemble loadFolder(Path ensembleDir, Path headsDir, FeatureInputs features) throws RegulaException {
        Path dir = ensembleDir.toAbsolutePath().normalize();
        Path configFile = dir.resolve(CONFIG);
        if (!Files.isRegularFile(dir.resolve(ENSEMBLE)) || !Files.isRegularFile(configFile)) {
            throw new RegulaException("--ensemble: " + dir + " holds no " + ENSEMBLE + " and " + CONFIG
                    + "; expected the output folder of `regula ensemble` or a pipeline's work/ensemble");
        }
        JsonNode config;
        try {
            config = Json.MAPPER.readTree(configFile.toFile());
        } catch (IOException e) {
            throw new RegulaException("--ensemble: cannot read " + configFile + ": " + e.getMessage(), e);
        }
        List<String> order = new ArrayList<>();
        config.path("heads").forEach(n -> order.add(n.asText()));
        Map<String, TrainedHead> heads = TrainStep.loadHeads(headsDir, "--heads", order);
        for (Map.Entry<String, TrainedHead> h : heads.entrySet()) {
            TrainStep.checkFits(h.getKey(), h.getValue(), features, "--heads");
        }
        return load(new Inputs(configFile.toString(), config.get("ensemble"), config.path("seed").asLong(), features.store(),
                heads, line -> { }), dir);
    }

    /** Builds the ensemble into {@code staging}: ensemble.json, report.json, config.json and members/. */
    static void buildInto(Inputs in, Path staging) throws RegulaException {
        List<Member> extra = trainExtra(in, parseConfig(in), staging.resolve(MEMBERS));
        Fitted f = fit(in, extra);
        FeatureStore store = in.store();
        FeatureMatrix val = f.val();
        FeatureMatrix test = split(store, "test");
        MemberPredictions valPreds = MemberPredictions.heldOut(f.ensemble().members(), val);
        EnsembleConfig.CombinerConfig configured = f.config().combiner();
        String exported = f.ensemble().combiner().kind();
        long seed = in.seed();
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
                    "rule", f.selection().rule().key(), "cv_nll", f.selection().cvNll(),
                    "cv_gap_se", f.selection().cvGapSe(), "lowest", f.selection().lowest(), "chosen", f.selection().name()));
        }
        saved.put("classes", store.labels());
        if (f.soup() != null) {
            Map<String, Object> soup = new TreeMap<>();
            soup.put("kind", f.config().soup().kind());
            soup.put("of", f.config().soup().of());
            soup.put("ingredients", f.soup().ingredients());
            saved.put("soup", soup);
            report.put("soup", soup);
        }
        try {
            if (f.soup() != null) {
                // Saved for reading and for `regula export --head`; a rebuild makes the soup again from its ingredients.
                Files.createDirectories(staging.resolve(MEMBERS));
                HeadFile.save(f.soup().member().head(), staging.resolve(MEMBERS).resolve(EnsembleConfig.SOUP + ".json"));
            }
            Json.write(staging.resolve(ENSEMBLE), saved);
            Json.write(staging.resolve(REPORT), report);
            Map<String, Object> config = new TreeMap<>();
            config.put("ensemble", in.section());
            config.put("seed", in.seed());
            config.put("heads", List.copyOf(in.heads().keySet()));
            Json.write(staging.resolve(CONFIG), config);
        } catch (IOException e) {
            throw new RegulaException("ensemble: cannot write " + staging + ": " + e.getMessage(), e);
        }
        in.log().accept("ensemble: " + report.get("members") + " combined by " + f.ensemble().combiner().kind());
    }

    /** The spec's members and combiner, fitted on the validation split. */
    record Fitted(EnsembleConfig config, Ensemble ensemble, FeatureMatrix val, CombinerSelection.Result selection,
            Souped soup) {}

    /** The soup member and the ingredients it averages (all of {@code of} for uniform, the kept ones for greedy). */
    record Souped(Member member, List<String> ingredients) {}

    /** Folds of the cross-validated validation NLL reported for each combiner when the spec does not choose by it. */
    static final int SELECTION_FOLDS = 5;

    private static EnsembleConfig parseConfig(Inputs in) throws RegulaException {
        return EnsembleConfig.parse(in.origin(), in.section(), List.copyOf(in.heads().keySet()));
    }

    /**
     * Trains the {@code seeds:}, {@code bagging:} and {@code snapshots:} members (in that order) and saves each as
     * {@code <dir>/<name>.json} in train/'s head format, plus {@code <name>.rows.json} (bootstrap and
     * out-of-bag rows) for a bagging member, so {@link #load} rebuilds them without retraining.
     */
    private static List<Member> trainExtra(Inputs in, EnsembleConfig config, Path dir) throws RegulaException {
        if (config.seeds() == null && config.bagging() == null && config.snapshots() == null) {
            return List.of();
        }
        FeatureStore store = in.store();
        Map<String, TrainedHead> heads = in.heads();
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
                        in.seed(), config.bagging().stopOn());
                for (int i = 0; i < bags.size(); i++) {
                    out.add(rename(bags.get(i), config.bagging().head() + "-bag-" + (i + 1)));
                }
            }
        } catch (EnsembleException e) {
            throw new RegulaException("ensemble: " + e.getMessage(), e);
        }
        if (config.snapshots() != null) {
            out.addAll(trainSnapshots(in, config));
        }
        for (Member m : out) {
            if (heads.containsKey(m.name())) {
                throw new RegulaException(in.origin() + ": ensemble: the extra member name '" + m.name()
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
        in.log().accept("ensemble: trained " + out.size() + " extra members " + out.stream().map(Member::name).toList());
        return out;
    }

    /**
     * The snapshot members: the head's spec from a fresh start (training seed = the head's seed +
     * {@link EnsembleConfig#SNAPSHOT_SEED_OFFSET}), one member per cosine cycle. They all share that
     * start point, so they may be souped.
     */
    private static List<Member> trainSnapshots(Inputs in, EnsembleConfig config) throws RegulaException {
        EnsembleConfig.Snapshots sn = config.snapshots();
        String at = in.origin() + ": ensemble.snapshots";
        TrainedHead h = in.heads().get(sn.head());
        if (h.regularization().earlyStopping() != null) {
            throw new RegulaException(at + ".head: '" + sn.head() + "' early-stops (regularization.early_stopping), but each "
                    + "snapshot must be the end of its cosine cycle; name a head without early stopping");
        }
        FeatureStore store = in.store();
        List<String> names = config.snapshotNames();
        List<Member> out = new ArrayList<>();
        try {
            MemberFactory factory = new MemberFactory(split(store, "train"), split(store, "val"), store.labels());
            List<Member> snaps = factory.snapshots(h.spec(), h.regularization(), h.training().withSeed(snapshotSeed(h)),
                    sn.cycles(), sn.epochsPerCycle());
            for (int i = 0; i < snaps.size(); i++) {
                out.add(rename(snaps.get(i), names.get(i)));
            }
        } catch (EnsembleException e) {
            throw new RegulaException(at + ": " + e.getMessage(), e);
        }
        return out;
    }

    private static long snapshotSeed(TrainedHead head) {
        return head.training().seed() + EnsembleConfig.SNAPSHOT_SEED_OFFSET;
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
    private static List<Member> loadExtra(Inputs in, EnsembleConfig config, Path ensembleDir) throws RegulaException {
        Path dir = ensembleDir.resolve(MEMBERS);
        List<String> names = new ArrayList<>(config.seedNames());
        names.addAll(config.baggingNames());
        List<String> snapshots = config.snapshotNames();
        names.addAll(snapshots);
        // A snapshot's saved training seed is its cycle's; its start point is the first cycle's.
        String snapshotOrigin = config.snapshots() == null ? null
                : "seed:" + snapshotSeed(in.heads().get(config.snapshots().head()));
        List<String> classes = in.store().labels();
        List<Member> out = new ArrayList<>();
        for (String n : names) {
            Path f = dir.resolve(n + ".json");
            try {
                TrainedHead h = HeadFile.load(f);
                Path rf = dir.resolve(n + ROWS);
                Rows rows = Files.exists(rf) ? Json.read(rf, Rows.class) : null;
                out.add(new Member(n, h, classes, rows == null ? null : rows.trainRows(), rows == null ? null : rows.oobRows(),
                        snapshots.contains(n) ? snapshotOrigin : "seed:" + h.training().seed()));
            } catch (IOException | IllegalArgumentException e) {
                throw new RegulaException("cannot reload ensemble member " + f + ": " + e.getMessage()
                        + " (rebuild the ensemble)", e);
            }
        }
        return out;
    }

    static Fitted fit(Inputs in, List<Member> extra) throws RegulaException {
        FeatureStore store = in.store();
        Map<String, TrainedHead> heads = in.heads();
        EnsembleConfig config = parseConfig(in);
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
            Souped soup = config.soup() == null ? null : soup(in, config, all, extra, val);
            if (soup != null) {
                members.add(soup.member());
            }
            MemberPredictions preds = MemberPredictions.heldOut(members, val);
            if (config.combiner().kind().equals(EnsembleConfig.CombinerConfig.AUTO)) {
                CombinerSelection.Result r = config.combiner().select(preds, in.seed());
                return new Fitted(config, Ensemble.of(members, r.chosen()), val, r, soup);
            }
            Combiner c = config.combiner().fit(preds, in.seed());
            return new Fitted(config, Ensemble.of(members, c), val, null, soup);
        } catch (EnsembleException e) {
            throw new RegulaException("ensemble: " + e.getMessage(), e);
        }
    }

    /**
     * The {@code soup:} member, named {@link EnsembleConfig#SOUP}. Made (not trained) from its
     * ingredients, so a rebuild makes it again. A trained head's start point is its seeded initial
     * draw ({@code seed:S}, as for the seed members): heads of one shape and one seed share it,
     * whatever their regularization. Each ingredient is first checked against the first, so a bad
     * one is named by its key path.
     */
    private static Souped soup(Inputs in, EnsembleConfig config, List<Member> heads, List<Member> extra, FeatureMatrix val)
            throws RegulaException {
        EnsembleConfig.Soup soup = config.soup();
        String at = in.origin() + ": ensemble.soup";
        if (in.heads().containsKey(EnsembleConfig.SOUP)) {
            throw new RegulaException(at + ": the soup member is named '" + EnsembleConfig.SOUP
                    + "', which is also a head's name; rename that head");
        }
        List<Member> ingredients = new ArrayList<>();
        for (String n : soup.of()) {
            Member m = extra.stream().filter(x -> x.name().equals(n)).findFirst().orElse(null);
            if (m == null) {
                Member h = heads.stream().filter(x -> x.name().equals(n)).findFirst().orElseThrow();
                m = Member.of(n, h.head(), h.classes(), "seed:" + h.head().training().seed());
            }
            ingredients.add(m);
        }
        for (int i = 1; i < ingredients.size(); i++) {
            try {
                Soups.uniform(List.of(ingredients.get(0), ingredients.get(i)));
            } catch (EnsembleException e) {
                String where = soup.group() == null ? ".of[" + i + "]" : ".of (" + soup.group() + ", member " + (i + 1) + ")";
                throw new RegulaException(at + where + ": " + e.getMessage(), e);
            }
        }
        try {
            if (soup.greedy()) {
                Soups.Greedy g = Soups.greedy(ingredients, val);
                return new Souped(rename(g.soup(), EnsembleConfig.SOUP), g.ingredients());
            }
            return new Souped(rename(Soups.uniform(ingredients), EnsembleConfig.SOUP), soup.of());
        } catch (EnsembleException e) {
            throw new RegulaException(at + ": " + e.getMessage(), e);
        }
    }

    /**
     * Rebuilds the ensemble the ensemble stage wrote, from the trained heads in {@code train/}: the
     * combiner is refitted (deterministic given the seed, and cheap) and must learn exactly what
     * {@code ensemble.json} recorded, so an export can never disagree with the ensemble report.
     */
    static Ensemble load(Inputs in, Path ensembleDir) throws RegulaException {
        Path file = ensembleDir.resolve(ENSEMBLE);
        JsonNode saved;
        try {
            saved = Json.MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            throw new RegulaException("cannot read " + file + ": " + e.getMessage(), e);
        }
        Ensemble e = fit(in, loadExtra(in, parseConfig(in), ensembleDir)).ensemble();
        Map<String, Object> now = new LinkedHashMap<>();
        now.put("members", e.members().stream().map(Member::name).toList());
        now.put("combiner", e.combiner().describe());
        JsonNode expected = Json.MAPPER.valueToTree(Map.of("members", saved.get("members"), "combiner", saved.get("combiner")));
        if (!Json.compact(expected).equals(Json.compact(now))) {
            throw new RegulaException(file + ": the ensemble rebuilt from the trained heads differs from the recorded one "
                    + "(were other heads or features given? else rebuild the ensemble)");
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
