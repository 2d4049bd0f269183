package dev.regula.pipeline.stage.ensemble;

import com.fasterxml.jackson.databind.JsonNode;
import dev.regula.ensemble.Ensemble;
import dev.regula.ensemble.Member;
import dev.regula.pipeline.OptionName;
import dev.regula.pipeline.Problem;
import dev.regula.pipeline.RegulaException;
import dev.regula.pipeline.run.Determinism;
import dev.regula.pipeline.run.Json;
import dev.regula.pipeline.run.OutputFolder;
import dev.regula.pipeline.spec.EnsembleConfig;
import dev.regula.pipeline.stage.features.FeatureInputs;
import dev.regula.pipeline.stage.train.HeadFile;
import dev.regula.pipeline.stage.train.TrainStep;
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
    /** The ensemble: members, combiner and what it learned. */
    public static final String ENSEMBLE = "ensemble.json";
    /** Test and validation metrics of every member, the best single member and every combiner kind. */
    public static final String REPORT = "report.json";
    /** The section, seed and head order the ensemble was built with, so it can be rebuilt. */
    public static final String CONFIG = "config.json";
    /** The extra members' folder. */
    public static final String MEMBERS = "members";

    private EnsembleStep() {
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
        FeatureInputs features = FeatureInputs.open(r.features(), Problem.about(OptionName.FEATURES));
        Map<String, TrainedHead> heads = TrainStep.loadHeads(r.heads(), Problem.about(OptionName.HEADS), null);
        for (Map.Entry<String, TrainedHead> h : heads.entrySet()) {
            TrainStep.checkFits(h.getKey(), h.getValue(), features, Problem.about(OptionName.HEADS));
        }
        String origin;
        com.fasterxml.jackson.databind.node.ObjectNode section;
        long seed = r.seed() != null ? r.seed() : dev.regula.pipeline.spec.SpecReader.DEFAULT_SEED_VALUE;
        if (r.spec() != null) {
            if (r.hasOptions()) {
                throw new RegulaException(Problem.about(OptionName.SPEC, "give the ensemble in a spec or by options (",
                        OptionName.MEMBERS, ", ", OptionName.COMBINER, ", ...), not both"));
            }
            JsonNode root = dev.regula.pipeline.spec.SpecReader.readTree(r.spec());
            JsonNode e = root.get("ensemble");
            if (e == null || !e.isObject()) {
                throw new dev.regula.pipeline.spec.SpecException(r.spec(), "ensemble", "required section, and missing (or not a mapping)",
                        "a mapping", e == null ? null : e.getNodeType().toString().toLowerCase(java.util.Locale.ROOT));
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
        EnsembleInputs in = new EnsembleInputs(origin, section, seed, features.store(), heads, null, r.log());
        Path out = r.out().toAbsolutePath().normalize();
        try {
            return write(in, out);
        } catch (RegulaException e) {
            throw r.spec() == null ? EnsembleOptions.naming(e, r) : e;
        }
    }

    private static Result write(EnsembleInputs in, Path out) throws RegulaException {
        return OutputFolder.write(out, OptionName.OUT, ENSEMBLE, staging -> {
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
    public static Ensemble loadFolder(Path ensembleDir, Path headsDir, FeatureInputs features) throws RegulaException {
        Path dir = ensembleDir.toAbsolutePath().normalize();
        Path configFile = dir.resolve(CONFIG);
        if (!Files.isRegularFile(dir.resolve(ENSEMBLE)) || !Files.isRegularFile(configFile)) {
            throw new RegulaException(Problem.about(OptionName.ENSEMBLE, dir + " holds no " + ENSEMBLE + " and " + CONFIG
                    + "; expected the output folder of `regula ensemble` or a pipeline's work/ensemble"));
        }
        JsonNode config;
        try {
            config = Json.MAPPER.readTree(configFile.toFile());
        } catch (IOException e) {
            throw new RegulaException(Problem.about(OptionName.ENSEMBLE, "cannot read " + configFile + ": " + e.getMessage()), e);
        }
        List<String> order = new ArrayList<>();
        config.path("heads").forEach(n -> order.add(n.asText()));
        Map<String, TrainedHead> heads = TrainStep.loadHeads(headsDir, Problem.about(OptionName.HEADS), order);
        for (Map.Entry<String, TrainedHead> h : heads.entrySet()) {
            TrainStep.checkFits(h.getKey(), h.getValue(), features, Problem.about(OptionName.HEADS));
        }
        if (config.path("ensemble").path("members").has("top_trials")) {
            throw new RegulaException(Problem.about(OptionName.ENSEMBLE, dir + " takes members from a tune stage's trials "
                    + "(members.top_trials); such an ensemble is rebuilt by `regula run` only"));
        }
        return load(new EnsembleInputs(configFile.toString(), config.get("ensemble"), config.path("seed").asLong(), features.store(),
                heads, null, line -> { }), dir);
    }

    /** Builds the ensemble into {@code staging}: ensemble.json, report.json, config.json and members/. */
    static void buildInto(EnsembleInputs in, Path staging) throws RegulaException {
        long t0 = System.nanoTime();
        List<Member> trialMembers = TrialMembers.train(in, in.config(), staging.resolve(MEMBERS));
        List<Member> extra = ExtraMembers.train(in, in.config(), staging.resolve(MEMBERS));
        long t1 = System.nanoTime();
        EnsembleFit.Fitted f = EnsembleFit.fit(in, trialMembers, extra);
        long t2 = System.nanoTime();
        EnsembleEvaluation ev = EnsembleEvaluation.of(in, f);
        long t3 = System.nanoTime();
        in.log().accept(String.format(java.util.Locale.ROOT,
                "ensemble: %.1f s training %d extra members, %.1f s fitting the combiner, %.1f s evaluating",
                (t1 - t0) / 1e9, trialMembers.size() + extra.size(), (t2 - t1) / 1e9, (t3 - t2) / 1e9));
        try {
            if (f.soup() != null) {
                // Saved for reading and for `regula export --head`; a rebuild makes the soup again from its ingredients.
                Files.createDirectories(staging.resolve(MEMBERS));
                HeadFile.save(f.soup().member().head(), staging.resolve(MEMBERS).resolve(EnsembleConfig.SOUP + ".json"));
            }
            Json.write(staging.resolve(ENSEMBLE), ev.saved());
            Json.write(staging.resolve(REPORT), ev.report());
            Map<String, Object> config = new TreeMap<>();
            config.put("ensemble", in.section());
            config.put("seed", in.seed());
            config.put("heads", List.copyOf(in.heads().keySet()));
            Json.write(staging.resolve(CONFIG), config);
        } catch (IOException e) {
            throw new RegulaException("ensemble: cannot write " + staging + ": " + e.getMessage(), e);
        }
        in.log().accept("ensemble: " + ev.report().get("members") + " combined by " + f.ensemble().combiner().kind());
    }

    /**
     * Rebuilds the ensemble the ensemble stage wrote, from the trained heads in {@code train/}: the
     * combiner is refitted (deterministic given the seed, and cheap) and must learn exactly what
     * {@code ensemble.json} recorded, so an export can never disagree with the ensemble report.
     */
    static Ensemble load(EnsembleInputs in, Path ensembleDir) throws RegulaException {
        Path file = ensembleDir.resolve(ENSEMBLE);
        JsonNode saved;
        try {
            saved = Json.MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            throw new RegulaException("cannot read " + file + ": " + e.getMessage(), e);
        }
        Ensemble e = EnsembleFit.fit(in, TrialMembers.load(in, in.config(), ensembleDir),
                ExtraMembers.load(in, in.config(), ensembleDir)).ensemble();
        Map<String, Object> now = new LinkedHashMap<>();
        now.put("members", e.members().stream().map(Member::name).toList());
        now.put("combiner", e.combiner().describe());
        JsonNode expected = Json.MAPPER.valueToTree(Map.of("members", saved.get("members"), "combiner", saved.get("combiner")));
        if (!Json.compact(expected).equals(Json.compact(now))) {
            throw new RegulaException(Problem.of("the ensemble rebuilt from the trained heads differs from the recorded one "
                    + "(were other heads or features given? else rebuild the ensemble)").withFile(file, 0)
                    .withExpected(Json.compact(expected), Json.compact(now)));
        }
        return e;
    }
}
