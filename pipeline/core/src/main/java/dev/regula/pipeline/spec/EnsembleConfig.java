package dev.regula.pipeline.spec;

import com.fasterxml.jackson.databind.JsonNode;
import dev.regula.ensemble.CombinerSelection;
import dev.regula.ensemble.CombinerSpec;
import dev.regula.ensemble.MemberFactory;
import dev.regula.ensemble.WeightedMean;
import dev.regula.pipeline.RegulaException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The spec's {@code ensemble:} section, checked key by key.
 *
 * <pre>
 * ensemble:
 *   members: [a, b, c]        # or {top_k: 2}, or {top_trials: 8, heads: [a]}; default: every head
 *   combiner: weighted        # or {kind: weighted, penalty: entropy, strength: 0.1}
 *   seeds: {head: a, count: 4}     # extra members: head a retrained with other seeds
 *   bagging: {head: b, count: 4}   # extra members: head b trained on bootstrap resamples
 *   snapshots: {head: a, cycles: 4, epochs_per_cycle: 5}   # extra members: one per cosine cycle
 *   soup: {of: snapshots, kind: uniform}   # one extra member: the members' weights averaged
 * </pre>
 *
 * @param members head names (possibly empty when {@code seeds} or {@code bagging} add members), or
 *     null when {@code topK} picks them
 * @param topK number of heads with the lowest validation NLL, or 0 when {@code members} lists them
 * @param topTrials number of the tune stage's completed trials (lowest mean CV NLL first, over every
 *     tuned head) taken as members beside {@code members}, or 0
 * @param combiner the combiner to export (fitted by the ensemble module, {@link CombinerSpec})
 * @param seeds extra seed members, or null
 * @param bagging extra bagging members, or null
 * @param snapshots extra snapshot members, or null
 * @param soup the extra soup member, or null
 */
public record EnsembleConfig(List<String> members, int topK, int topTrials, CombinerSpec combiner, Extra seeds, Extra bagging,
        Snapshots snapshots, Soup soup) {
    /** The section's keys, in the order errors list them. */
    public static final List<String> KEYS = List.of("members", "combiner", "seeds", "bagging", "snapshots", "soup");
    /** The soup member's name. */
    public static final String SOUP = "soup";
    /** Snapshot members start from the head's seed + this: clear of the seed (+1..100) and bagging (+1001..1100) members' seeds. */
    public static final long SNAPSHOT_SEED_OFFSET = 2000;

    /**
     * Extra members made from one trained head's spec inside the ensemble stage.
     *
     * @param head the trained head whose spec (head, regularization, training) they reuse
     * @param count how many members, >= 1
     * @param stopOn bagging: the rows early stopping watches ({@code early_stopping: oob}, the
     *     default, or {@code val}); null for seeds
     */
    public record Extra(String head, int count, MemberFactory.StopOn stopOn) {
        static final List<String> KEYS = List.of("head", "count");
        static final List<String> BAGGING_KEYS = List.of("head", "count", "early_stopping");
    }

    /**
     * Snapshot members: one trained head's spec trained through {@code cycles} cosine cycles of
     * {@code epochsPerCycle} epochs, warm-started cycle to cycle; one member per cycle
     * ({@link MemberFactory#snapshots}).
     */
    public record Snapshots(String head, int cycles, int epochsPerCycle) {
        static final List<String> KEYS = List.of("head", "cycles", "epochs_per_cycle");
    }

    /**
     * The soup member: the weights of {@code of} averaged ({@link dev.regula.ensemble.Soups}).
     *
     * @param of the ingredient members' names (trained heads or extra members), in order
     * @param group {@code snapshots}, {@code seeds} or {@code bagging} when {@code of} was given as
     *     that group, else null (the names were listed)
     * @param greedy greedy soup (by validation NLL) instead of the uniform average
     */
    public record Soup(List<String> of, String group, boolean greedy) {
        static final List<String> KEYS = List.of("of", "kind");
        public static final List<String> GROUPS = List.of("snapshots", "seeds", "bagging");

        public Soup {
            of = List.copyOf(of);
        }

        public String kind() {
            return greedy ? "greedy" : "uniform";
        }
    }

    /** Names of the seed members, in training order. */
    public List<String> seedNames() {
        return numbered(seeds == null ? null : seeds.head(), "-seed-", seeds == null ? 0 : seeds.count());
    }

    /** Names of the bagging members, in training order. */
    public List<String> baggingNames() {
        return numbered(bagging == null ? null : bagging.head(), "-bag-", bagging == null ? 0 : bagging.count());
    }

    /** Names of the snapshot members, one per cycle. */
    public List<String> snapshotNames() {
        return numbered(snapshots == null ? null : snapshots.head(), "-snap-", snapshots == null ? 0 : snapshots.cycles());
    }

    private static List<String> numbered(String head, String infix, int count) {
        List<String> out = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            out.add(head + infix + i);
        }
        return out;
    }

    /** Reads the section; {@code heads} are the trained heads' names, for the error on an unknown member. */
    public static EnsembleConfig parse(String file, JsonNode section, List<String> heads) throws RegulaException {
        SpecKey at = new SpecKey(Path.of(file), "ensemble");
        if (section == null || !section.isObject()) {
            throw at.fail("expected a mapping with keys " + KEYS + ", got " + section);
        }
        for (Iterator<String> it = section.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!KEYS.contains(k)) {
                throw at.child("." + k).fail(Levenshtein.unknownKey(k, KEYS));
            }
        }
        Extra seeds = ExtraMemberKeys.extra(at.child(".seeds"), section.get("seeds"), heads, false);
        Extra bagging = ExtraMemberKeys.extra(at.child(".bagging"), section.get("bagging"), heads, true);
        Snapshots snapshots = ExtraMemberKeys.snapshots(at.child(".snapshots"), section.get("snapshots"), heads);
        boolean hasSoup = section.hasNonNull("soup");
        List<String> members = null;
        int topK = 0;
        int topTrials = 0;
        JsonNode m = section.get("members");
        if (m == null || m.isNull()) {
            members = List.copyOf(heads);
        } else if (m.isArray()) {
            members = new ArrayList<>();
            for (int i = 0; i < m.size(); i++) {
                JsonNode n = m.get(i);
                if (!n.isTextual()) {
                    throw at.child(".members[" + i + "]").fail("expected a head name, got " + n);
                }
                if (!heads.contains(n.asText())) {
                    throw at.child(".members[" + i + "]").fail("'" + n.asText()
                            + "' is not a trained head; the heads are " + heads);
                }
                if (members.contains(n.asText())) {
                    throw at.child(".members[" + i + "]").fail("'" + n.asText() + "' is listed twice");
                }
                members.add(n.asText());
            }
            if (members.isEmpty() && seeds == null && bagging == null && snapshots == null && !hasSoup) {
                throw at.child(".members").fail("empty list, expected at least one of " + heads
                        + " (an empty list is allowed only with seeds, bagging, snapshots or soup)");
            }
        } else if (m.isObject() && m.has("top_trials")) {
            for (Iterator<String> it = m.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (!k.equals("top_trials") && !k.equals("heads")) {
                    throw at.child(".members." + k).fail(Levenshtein.unknownKey(k, List.of("top_trials", "heads")));
                }
            }
            JsonNode k = m.get("top_trials");
            if (!k.canConvertToExactIntegral() || k.asInt() < 1) {
                throw at.child(".members.top_trials").fail("expected a whole number >= 1 (completed trials of the "
                        + "tuned heads, lowest CV NLL first), got " + k);
            }
            topTrials = k.asInt();
            members = names(at.child(".members.heads"), m.get("heads"), heads);
        } else if (m.isObject() && m.size() == 1 && m.has("top_k")) {
            JsonNode k = m.get("top_k");
            if (!k.canConvertToExactIntegral() || k.asInt() < 1 || k.asInt() > heads.size()) {
                throw at.child(".members.top_k").fail(k + " is not an integer in [1, " + heads.size()
                        + "] (the number of trained heads)");
            }
            topK = k.asInt();
        } else {
            throw at.child(".members").fail("expected a list of head names, {top_k: N} or {top_trials: N, heads: [...]}, "
                    + "got " + m);
        }
        EnsembleConfig noSoup = new EnsembleConfig(members, topK, topTrials, combiner(at.child(".combiner"), section.get("combiner")), seeds,
                bagging, snapshots, null);
        if (!hasSoup) {
            return noSoup;
        }
        return new EnsembleConfig(members, topK, topTrials, noSoup.combiner(), seeds, bagging, snapshots,
                ExtraMemberKeys.soup(at.child(".soup"), section.get("soup"), heads, noSoup));
    }

    /** Head names listed beside {@code top_trials}: each a trained head, none twice; absent = none. */
    private static List<String> names(SpecKey at, JsonNode n, List<String> heads) throws RegulaException {
        List<String> out = new ArrayList<>();
        if (n == null || n.isNull()) {
            return out;
        }
        if (!n.isArray()) {
            throw at.fail("expected a list of head names, got " + n);
        }
        for (int i = 0; i < n.size(); i++) {
            String name = n.get(i).asText();
            if (!n.get(i).isTextual() || !heads.contains(name)) {
                throw at.child("[" + i + "]").fail("'" + name + "' is not a trained head; the heads are " + heads);
            }
            if (out.contains(name)) {
                throw at.child("[" + i + "]").fail("'" + name + "' is listed twice");
            }
            out.add(name);
        }
        return out;
    }

    private static CombinerSpec combiner(SpecKey at, JsonNode c) throws RegulaException {
        if (c == null || c.isNull()) {
            return CombinerSpec.defaults("mean");
        }
        return combiner(at, c, true);
    }

    private static CombinerSpec combiner(SpecKey at, JsonNode c, boolean autoAllowed) throws RegulaException {
        List<String> kinds = new ArrayList<>(CombinerSpec.KINDS);
        if (autoAllowed) {
            kinds.add(CombinerSpec.AUTO);
        }
        if (c.isTextual()) {
            return CombinerSpec.defaults(kind(at, c.asText(), kinds));
        }
        if (!c.isObject() || !c.has("kind")) {
            throw at.fail("expected one of " + kinds + " or a mapping with 'kind', got " + c);
        }
        String kind = kind(at.child(".kind"), c.get("kind").asText(), kinds);
        Set<String> allowed = switch (kind) {
            case "weighted" -> Set.of("kind", "penalty", "strength", "temperature");
            case "caruana" -> Set.of("kind", "rounds", "temperature");
            case "stacking" -> Set.of("kind", "l2", "folds", "temperature");
            case "auto" -> Set.of("kind", "candidates", "folds", "rule");
            default -> Set.of("kind", "temperature");
        };
        for (Iterator<String> it = c.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!allowed.contains(k)) {
                throw at.child("." + k).fail("not an option of combiner " + kind + "; its options are "
                        + new java.util.TreeSet<>(allowed) + Levenshtein.closest(k, new java.util.TreeSet<>(allowed))
                                .map(o -> "; did you mean '" + o + "'?").orElse(""));
            }
        }
        CombinerSpec d = CombinerSpec.defaults(kind);
        WeightedMean.Penalty penalty = d.penalty();
        if (c.has("penalty")) {
            String p = c.get("penalty").asText();
            if (!p.equals("l2") && !p.equals("entropy")) {
                throw at.child(".penalty").fail("'" + p + "', expected l2 or entropy");
            }
            penalty = WeightedMean.Penalty.valueOf(p.toUpperCase(Locale.ROOT));
        }
        double strength = c.has("strength") ? number(at.child(".strength"), c.get("strength")) : d.strength();
        int rounds = c.has("rounds") ? integer(at.child(".rounds"), c.get("rounds")) : d.rounds();
        int folds = c.has("folds") ? integer(at.child(".folds"), c.get("folds")) : d.folds();
        boolean temperature = d.temperature();
        if (c.has("temperature")) {
            if (!c.get("temperature").isBoolean()) {
                throw at.child(".temperature").fail("expected true or false, got " + c.get("temperature"));
            }
            temperature = c.get("temperature").asBoolean();
        }
        double[] l2 = d.l2();
        if (c.has("l2")) {
            JsonNode g = c.get("l2");
            if (g.isNumber()) {
                l2 = new double[] {g.asDouble()};
            } else if (g.isArray()) {
                l2 = new double[g.size()];
                for (int i = 0; i < g.size(); i++) {
                    l2[i] = number(at.child(".l2[" + i + "]"), g.get(i));
                }
            } else {
                throw at.child(".l2").fail("expected a number or a list of numbers >= 0, got " + g);
            }
        }
        List<CombinerSpec> candidates = d.candidates();
        if (c.has("candidates")) {
            JsonNode list = c.get("candidates");
            if (!list.isArray() || list.isEmpty()) {
                throw at.child(".candidates").fail("expected a non-empty list of combiners (names or mappings), got "
                        + list);
            }
            candidates = new ArrayList<>();
            Set<String> names = new java.util.HashSet<>();
            for (int i = 0; i < list.size(); i++) {
                CombinerSpec cc = combiner(at.child(".candidates[" + i + "]"), list.get(i), false);
                if (!names.add(cc.name())) {
                    throw at.child(".candidates[" + i + "]").fail("'" + cc.name()
                            + "' is listed twice; candidates are told apart by kind (+temperature)");
                }
                candidates.add(cc);
            }
        }
        CombinerSelection.Rule rule = d.rule();
        if (c.has("rule")) {
            String r = c.get("rule").asText();
            rule = switch (r) {
                case "one_se" -> CombinerSelection.Rule.ONE_SE;
                case "min" -> CombinerSelection.Rule.MIN;
                default -> throw at.child(".rule").fail("'" + r + "', expected one_se or min");
            };
        }
        return new CombinerSpec(kind, penalty, strength, rounds, l2, folds, temperature, candidates, rule);
    }

    private static String kind(SpecKey at, String k, List<String> kinds) throws RegulaException {
        if (!kinds.contains(k)) {
            throw at.fail("'" + k + "', expected one of " + kinds);
        }
        return k;
    }

    private static double number(SpecKey at, JsonNode n) throws RegulaException {
        if (!n.isNumber()) {
            throw at.fail("expected a number, got " + n);
        }
        return n.asDouble();
    }

    private static int integer(SpecKey at, JsonNode n) throws RegulaException {
        if (!n.canConvertToExactIntegral()) {
            throw at.fail("expected an integer, got " + n);
        }
        return n.asInt();
    }
}
