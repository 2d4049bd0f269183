package dev.regula.pipeline.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.regula.transfer.head.HeadSpec;
import dev.regula.transfer.regularize.DropoutSpec;
import dev.regula.transfer.regularize.RegularizationSpec;
import dev.regula.transfer.tune.Knob;
import dev.regula.transfer.tune.Range;
import dev.regula.transfer.tune.SearchSpace;
import dev.regula.transfer.tune.TuneSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The search keys of a spec: ranges in a head's {@code regularization:} and {@code training.learning_rate},
 * {@code regularization: auto}, and the {@code tune:} section. Ranges are taken out of the head's tree
 * (a placeholder value left in their place) before the tree is mapped onto transfer's records, so a
 * head with ranges is otherwise read and checked exactly as one without.
 */
final class TuneKeys {
    /** The range forms, as YAML keys. */
    static final List<String> RANGE_KEYS = List.of("log_uniform", "uniform", "choice", "path");
    static final List<String> PATH_KEYS = List.of("path", "min_ratio");
    static final List<String> TUNE_KEYS = List.of("strategy", "trials", "folds", "rule", "refit", "eta", "min_epochs",
            "grid_points", "threads");
    static final String AUTO = "auto";
    /** Spec key (under a head) of each searchable knob. */
    static final Map<String, Knob> SEARCHABLE = searchable();

    private final Path file;
    private final Values v;

    TuneKeys(Path file) {
        this.file = file;
        this.v = new Values(file);
    }

    private static Map<String, Knob> searchable() {
        Map<String, Knob> m = new LinkedHashMap<>();
        for (Knob k : Knob.values()) {
            m.put((k == Knob.LEARNING_RATE ? "training." : "regularization.") + k.path(), k);
        }
        return m;
    }

    /** A head's regularization and training trees with their ranges taken out, and what it searches. */
    record Extracted(JsonNode regularization, JsonNode training, Sections.Search search) {}

    /**
     * Takes the ranges (and {@code auto}) out of one head's {@code regularization} and {@code training} trees.
     *
     * @param at the head's key path ({@code heads[1]})
     */
    Extracted extract(String at, HeadSpec head, JsonNode reg, JsonNode training) throws SpecException {
        boolean auto = false;
        JsonNode r = reg == null || reg.isNull() ? null : reg.deepCopy();
        if (r != null && r.isTextual()) {
            if (!AUTO.equals(r.asText())) {
                throw new SpecException(file, at + ".regularization", "expected a mapping of regularizers or 'auto', got '"
                        + r.asText() + "'" + Levenshtein.closest(r.asText(), List.of(AUTO)).map(k -> " (did you mean 'auto'?)")
                        .orElse(""));
            }
            auto = true;
            r = null;
        } else if (r != null && r.isObject() && r.has(AUTO)) {
            JsonNode a = r.get(AUTO);
            if (!a.isBoolean()) {
                throw new SpecException(file, at + ".regularization.auto", "expected true or false, got " + Values.describe(a));
            }
            auto = a.booleanValue();
            ((ObjectNode) r).remove(AUTO);
        }
        JsonNode t = training == null || training.isNull() ? null : training.deepCopy();
        List<SearchSpace.Dim> dims = new ArrayList<>();
        if (r != null && r.isObject()) {
            walk((ObjectNode) r, at + ".regularization", "regularization", dims);
        }
        if (t != null && t.isObject()) {
            walk((ObjectNode) t, at + ".training", "training", dims);
        }
        if (auto && !dims.isEmpty()) {
            throw new SpecException(file, at + ".regularization", "'auto' searches the default space of a " + head.kind().yamlName()
                    + " head; it cannot be combined with ranges (here: " + dims.stream().map(d -> d.knob().path()).toList()
                    + "). Write either auto or ranges");
        }
        if (!auto && dims.isEmpty()) {
            return new Extracted(r, t, null);
        }
        SearchSpace space;
        try {
            space = auto ? SearchSpace.defaultFor(head) : new SearchSpace(dims);
        } catch (IllegalArgumentException e) {
            throw new SpecException(file, at + ".regularization", e.getMessage(), e);
        }
        try {
            space.checkApplies(head);
        } catch (IllegalArgumentException e) {
            throw new SpecException(file, at + "." + keyOf(e.getMessage()), stripKey(e.getMessage()), e);
        }
        boolean baseline = false;
        if (auto && r != null && r.isObject()) {
            for (Knob k : space.knobs()) {
                baseline |= written(r, k);
            }
        }
        return new Extracted(r, t, new Sections.Search(space, auto, baseline));
    }

    /** Whether a knob's key was written in a regularization tree. */
    private static boolean written(JsonNode reg, Knob k) {
        JsonNode n = reg;
        for (String part : k.path().split("\\.")) {
            n = n == null ? null : n.get(part);
        }
        return n != null && !n.isNull();
    }

    /** Replaces every range under {@code node} by a placeholder, collecting the ranges in document order. */
    private void walk(ObjectNode node, String at, String rel, List<SearchSpace.Dim> dims) throws SpecException {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        for (String key : names) {
            JsonNode child = node.get(key);
            String childAt = at + "." + key;
            String childRel = rel + "." + key;
            if (childRel.equals("regularization.class_weights") || childRel.equals("regularization.l2_sp")) {
                continue; // lists there are values, and nothing in them is searchable
            }
            Knob knob = SEARCHABLE.get(childRel);
            boolean rangeLike = child.isArray() || (child.isObject() && isRangeObject(child));
            if (knob != null && (rangeLike || child.isObject() && !isSection(childRel))) {
                Range range = range(childAt, knob, child);
                try {
                    dims.add(new SearchSpace.Dim(knob, range));
                } catch (IllegalArgumentException e) {
                    throw new SpecException(file, childAt, stripKey(e.getMessage()), e);
                }
                node.set(key, placeholder(range));
            } else if (rangeLike) {
                throw new SpecException(file, childAt, "not searchable: only these keys take a range: "
                        + SEARCHABLE.keySet());
            } else if (child.isObject()) {
                walk((ObjectNode) child, childAt, childRel, dims);
            }
        }
    }

    /** Keys that hold a mapping of settings rather than a number (dropout, elastic_net, early_stopping). */
    private static boolean isSection(String rel) {
        return SEARCHABLE.keySet().stream().anyMatch(k -> k.startsWith(rel + "."));
    }

    private static boolean isRangeObject(JsonNode n) {
        Iterator<String> it = n.fieldNames();
        while (it.hasNext()) {
            if (RANGE_KEYS.contains(it.next())) {
                return true;
            }
        }
        return false;
    }

    private static final String FORMS = "a number, a list of numbers (a choice), {log_uniform: [lo, hi]}, "
            + "{uniform: [lo, hi]}, {choice: [...]} or {path: n}";

    /** One range written at {@code at}. */
    private Range range(String at, Knob knob, JsonNode n) throws SpecException {
        try {
            if (n.isArray()) {
                return new Range.Choice(numbers(at, n));
            }
            String form = null;
            for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (!RANGE_KEYS.contains(k) && !(k.equals("min_ratio") && n.has("path"))) {
                    throw new SpecException(file, at + "." + k, Levenshtein.unknownKey(k, n.has("path") ? PATH_KEYS : RANGE_KEYS)
                            + " (a range is " + FORMS + ")");
                }
                if (RANGE_KEYS.contains(k)) {
                    if (form != null) {
                        throw new SpecException(file, at, "one range form at a time, got both " + form + " and " + k);
                    }
                    form = k;
                }
            }
            if (form == null) {
                throw new SpecException(file, at, "expected " + FORMS + ", got " + Values.describe(n));
            }
            JsonNode body = n.get(form);
            String bodyAt = at + "." + form;
            return switch (form) {
                case "choice" -> new Range.Choice(numbers(bodyAt, body));
                case "log_uniform", "uniform" -> {
                    List<Double> b = numbers(bodyAt, body);
                    if (b.size() != 2) {
                        throw new SpecException(file, bodyAt, "expected [lo, hi], got " + b.size() + " numbers");
                    }
                    if (!(b.get(0) < b.get(1))) {
                        throw new SpecException(file, bodyAt, "expected lo < hi, got [" + Values.fmt(b.get(0)) + ", "
                                + Values.fmt(b.get(1)) + "]");
                    }
                    if (form.equals("log_uniform") && !(b.get(0) > 0)) {
                        throw new SpecException(file, bodyAt, "a log range needs lo > 0, got " + Values.fmt(b.get(0))
                                + " (write {uniform: ...} or a list to include 0)");
                    }
                    yield form.equals("uniform") ? new Range.Uniform(b.get(0), b.get(1)) : new Range.LogUniform(b.get(0), b.get(1));
                }
                default -> {
                    if (!knob.isPenalty()) {
                        throw new SpecException(file, bodyAt, "a regularization path sweeps a penalty strength (l1, l2, "
                                + "elastic_net.alpha), not " + knob.path());
                    }
                    int count = v.integer(n, at, "path", 0, 2);
                    Double ratio = n.has("min_ratio") ? v.number(n, at, "min_ratio", 0, 0, 1, true) : null;
                    if (ratio != null && ratio == 0) {
                        throw new SpecException(file, at + ".min_ratio", "expected a number in (0, 1), got 0");
                    }
                    yield new Range.Path(count, ratio);
                }
            };
        } catch (IllegalArgumentException e) {
            throw new SpecException(file, at, stripKey(e.getMessage()), e);
        }
    }

    private List<Double> numbers(String at, JsonNode n) throws SpecException {
        if (n == null || !n.isArray()) {
            throw new SpecException(file, at, "expected a list of numbers, got " + (n == null ? "nothing" : Values.describe(n)));
        }
        List<Double> out = new ArrayList<>();
        for (int i = 0; i < n.size(); i++) {
            if (!n.get(i).isNumber()) {
                throw new SpecException(file, at + "[" + i + "]", "expected a number, got " + Values.describe(n.get(i)));
            }
            out.add(n.get(i).doubleValue());
        }
        if (out.isEmpty()) {
            throw new SpecException(file, at, "expected at least one number, got []");
        }
        return out;
    }

    /** The value left in a range's place: its first value, its lower bound, or 0 for a path. */
    private static JsonNode placeholder(Range r) {
        double x = r instanceof Range.Choice c ? c.values().get(0)
                : r instanceof Range.LogUniform l ? l.lo()
                : r instanceof Range.Uniform u ? u.lo()
                : 0.0;
        return JsonNodeFactory.instance.numberNode(x);
    }

    /** {@code dropout.rate: expected ...} → {@code dropout.rate}; used to point at the knob's key. */
    private static String keyOf(String message) {
        int i = message == null ? -1 : message.indexOf(':');
        String key = i < 0 ? "" : message.substring(0, i);
        Knob k = null;
        for (Knob x : Knob.values()) {
            if (x.path().equals(key)) {
                k = x;
            }
        }
        return k == null ? "regularization" : (k == Knob.LEARNING_RATE ? "training." : "regularization.") + k.path();
    }

    /** A library message without its leading {@code key: } (the spec error names the full key path instead). */
    private static String stripKey(String message) {
        if (message == null) {
            return "invalid";
        }
        int i = message.indexOf(": ");
        String head = i < 0 ? "" : message.substring(0, i);
        return i > 0 && head.matches("[a-z_.0-9]+") ? message.substring(i + 2) : message;
    }

    private TuneSpec.Strategy strategy(String at, JsonNode n) throws SpecException {
        String x = n.isTextual() ? n.asText() : null;
        try {
            return TuneSpec.Strategy.of(String.valueOf(x));
        } catch (IllegalArgumentException e) {
            throw new SpecException(file, at, "unknown value " + (x == null ? Values.describe(n) : "'" + x + "'")
                    + ", expected one of [auto, grid, random, halving, path]");
        }
    }

    /**
     * {@code tune:}; null node = defaults. {@code strategy} is one name for every tuned head, or a mapping
     * from tuned head names to names (the others: auto).
     *
     * @param tunedHeads the names of the heads with a range or auto
     */
    Sections.Tune tune(JsonNode n, List<String> tunedHeads) throws SpecException {
        Sections.Tune d = Sections.Tune.defaults();
        if (n == null || n.isNull()) {
            return d;
        }
        JsonNode sn = n.get("strategy");
        Map<String, TuneSpec.Strategy> perHead = new LinkedHashMap<>();
        if (sn != null && sn.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = sn.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!tunedHeads.contains(e.getKey())) {
                    throw new SpecException(file, "tune.strategy." + e.getKey(), "not a tuned head (one with a range or "
                            + "'regularization: auto'); " + Levenshtein.closest(e.getKey(), tunedHeads)
                            .map(k -> "did you mean '" + k + "'? ").orElse("") + "the tuned heads are " + tunedHeads);
                }
                String x = e.getValue().asText();
                if (!e.getValue().isTextual() || !x.equals("auto")) {
                    perHead.put(e.getKey(), strategy("tune.strategy." + e.getKey(), e.getValue()));
                }
            }
        }
        String s = sn != null && sn.isObject() ? "auto" : v.string(n, "tune", "strategy", "auto");
        TuneSpec.Strategy strategy = null;
        if (!s.equals("auto")) {
            strategy = v.parsed(n, "tune", "strategy", null, x -> {
                try {
                    return TuneSpec.Strategy.of(x);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("unknown value '" + x + "', expected one of [auto, grid, random, "
                            + "halving, path]");
                }
            });
        }
        TuneSpec.Rule rule = v.parsed(n, "tune", "rule", "one_se", x -> {
            try {
                return TuneSpec.Rule.of(x);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(stripKey(e.getMessage()));
            }
        });
        int folds = v.integer(n, "tune", "folds", d.folds(), 0);
        if (folds == 1) {
            throw new SpecException(file, "tune.folds", "expected 0 (the fixed val split) or k >= 2, got 1");
        }
        Boolean refit = n.hasNonNull("refit") ? v.bool(n, "tune", "refit", true) : null;
        JsonNode me = n.get("min_epochs");
        Integer minEpochs = me == null || me.isNull() ? null : v.integer(n, "tune", "min_epochs", 1, 1);
        return new Sections.Tune(strategy, perHead, v.integer(n, "tune", "trials", d.trials(), 1), folds, rule, refit,
                v.integer(n, "tune", "eta", d.eta(), 2), minEpochs, v.integer(n, "tune", "grid_points", d.gridPoints(), 2),
                v.integer(n, "tune", "threads", d.threads(), 0));
    }

    /**
     * Checks every tuned head against the {@code tune:} settings before anything runs: the strategy
     * suits its space, the path solver can honour its other regularizers, halving's minimum resource
     * fits its epochs.
     */
    void check(List<Sections.Head> heads, Sections.Tune tune, boolean tuneWritten) throws SpecException {
        List<String> headPaths = new ArrayList<>();
        for (int i = 0; i < heads.size(); i++) {
            headPaths.add(heads.size() == 1 ? "heads" : "heads[" + i + "]");
        }
        if (tuneWritten && heads.stream().noneMatch(Sections.Head::tuned)) {
            throw new SpecException(file, "tune", "no head has a range or 'regularization: auto', so there is nothing to "
                    + "tune; give a head a range (docs/pipeline.md) or remove the section");
        }
        for (int i = 0; i < heads.size(); i++) {
            Sections.Head h = heads.get(i);
            if (!h.tuned()) {
                continue;
            }
            String at = headPaths.get(i);
            SearchSpace space = h.search().space();
            TuneSpec.Strategy s = tune.strategyFor(h);
            boolean hasPath = space.path() != null;
            if (hasPath && s != TuneSpec.Strategy.PATH) {
                throw new SpecException(file, "tune.strategy", "'" + s.yamlName() + "' cannot sweep head '" + h.name() + "': its "
                        + space.path().knob().path() + " is a {path: n}, which only strategy 'path' (or auto) sweeps");
            }
            if (!hasPath && s == TuneSpec.Strategy.PATH) {
                throw new SpecException(file, "tune.strategy", "'path' needs a {path: n} range, and head '" + h.name()
                        + "' has none; use auto, grid, random or halving");
            }
            if (s == TuneSpec.Strategy.PATH) {
                checkPath(at, h);
            }
            if (s == TuneSpec.Strategy.HALVING && tune.minEpochs() != null && tune.minEpochs() > h.training().epochs()) {
                throw new SpecException(file, "tune.min_epochs", tune.minEpochs() + " exceeds head '" + h.name()
                        + "''s training.epochs " + h.training().epochs());
            }
        }
    }

    /** The path solver optimizes the penalized loss full-batch: every other regularizer would be dropped silently. */
    private void checkPath(String at, Sections.Head h) throws SpecException {
        for (SearchSpace.Dim d : h.search().space().dims()) {
            if (!(d.range() instanceof Range.Path) && !(d.knob().isPenalty() || d.knob() == Knob.ELASTIC_NET_L1_RATIO)) {
                throw new SpecException(file, at + "." + (d.knob() == Knob.LEARNING_RATE ? "training." : "regularization.")
                        + d.knob().path(), "a regularization path can be crossed only with l1, l2 and elastic_net ranges "
                        + "(it solves the penalized loss full-batch), not " + d.knob().path());
            }
        }
        RegularizationSpec r = h.regularization();
        List<String> found = new ArrayList<>();
        if (r.dropout().kind() != DropoutSpec.Kind.NONE) {
            found.add("dropout");
        }
        if (r.weightDecay() > 0) {
            found.add("weight_decay");
        }
        if (r.maxNorm() != null) {
            found.add("max_norm");
        }
        if (r.labelSmoothing() > 0) {
            found.add("label_smoothing");
        }
        if (r.classWeights() != null) {
            found.add("class_weights");
        }
        if (r.l2Sp() != null) {
            found.add("l2_sp");
        }
        if (r.includeBias()) {
            found.add("include_bias");
        }
        if (!found.isEmpty()) {
            throw new SpecException(file, at + ".regularization", "strategy 'path' solves the l1/l2/elastic_net loss "
                    + "full-batch and cannot honour " + found + "; remove them, or search with tune.strategy grid, random or "
                    + "halving (a {path: n} then becomes a {log_uniform: [lo, hi]})");
        }
    }
}
