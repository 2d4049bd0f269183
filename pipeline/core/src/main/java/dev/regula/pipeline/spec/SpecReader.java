package dev.regula.pipeline.spec;


import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.regula.models.quant.CalibrationMethod;
import dev.regula.pipeline.RegulaException;
import dev.regula.transfer.backbone.BackboneException;
import dev.regula.transfer.backbone.BackboneSource;
import dev.regula.transfer.backbone.Pooling;
import dev.regula.transfer.quantize.QuantizeSpec;
import dev.regula.transfer.data.BadRowPolicy;
import dev.regula.transfer.data.DatasetFormat;
import dev.regula.transfer.data.DatasetSpec;
import dev.regula.transfer.head.HeadSpec;
import dev.regula.transfer.regularize.RegularizationSpec;
import dev.regula.transfer.train.TrainingSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import dev.regula.transfer.lexical.LexicalSpec;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads and checks a pipeline spec (YAML). Every error names the key path; see docs/pipeline.md. */
public final class SpecReader {
    /** Training defaults a head gets for keys it does not set (seed: the spec's top-level seed). */
    static final Map<String, Object> TRAINING_DEFAULTS = Map.of("learning_rate", 0.001, "batch_size", 32, "epochs", 20,
            "device", "cpu");
    static final long DEFAULT_SEED = 42;
    /** The top-level {@code seed} when a spec sets none. */
    public static final long DEFAULT_SEED_VALUE = DEFAULT_SEED;

    private static final ObjectMapper YAML = YAMLMapper.builder().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();
    private static final ObjectMapper RECORDS = dev.regula.transfer.io.Json.STRICT_BINDING;
    private static final Pattern KEYED = Pattern.compile("^([a-z][a-z0-9_]*(?:\\.[a-z][a-z0-9_]*)*)(?::\\s*|\\s+(?=must|is|needs))(.*)$",
            Pattern.DOTALL);
    private static final Pattern RANGE = Pattern.compile("^must be in (.+), got (.+)$", Pattern.DOTALL);
    private static final Pattern UNKNOWN = Pattern.compile("^unknown value '(.*)', expected (.+)$", Pattern.DOTALL);
    private static final Pattern GOT = Pattern.compile(", got '?([^',;]*)'?$");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]+");

    private static final KeySchema SCHEMA = schema();

    private final Path file;
    private final Path dir;
    private final Values v;

    private SpecReader(Path file) {
        this.file = file;
        this.dir = file.toAbsolutePath().normalize().getParent();
        this.v = new Values(file);
    }

    private static KeySchema schema() {
        Map<String, KeySchema> backbone = leaves("model", "tokenizer", "feature_tensor", "pooling", "l2_normalize",
                "mask_input", "max_length", "truncation");
        backbone.put("quantize", KeySchema.object(leaves("mode", "calibration", "method", "percentile", "weights", "smooth")));
        backbone.put("unfreeze", KeySchema.objectOrScalar(leaves(UnfreezeKeys.KEYS.toArray(new String[0]))));
        Map<String, KeySchema> data = leaves("path", "format", "text_field", "label_field", "group_field", "split_field",
                "feature_fields", "bad_rows");
        Map<String, KeySchema> head = new LinkedHashMap<>();
        head.put("name", KeySchema.leaf());
        head.putAll(KeySchema.ofRecord(HeadSpec.class));
        Map<String, KeySchema> reg = KeySchema.ofRecord(RegularizationSpec.class);
        reg.put(TuneKeys.AUTO, KeySchema.leaf());
        head.put("regularization", KeySchema.objectOrText(reg));
        head.put("training", KeySchema.object(KeySchema.ofRecord(TrainingSpec.class)));
        Map<String, KeySchema> validate = leaves("parity_atol", "parity_rtol", "latency_samples", "throughput_batch",
                "providers", "cuda_tf32");
        validate.put("gates", KeySchema.object(leaves("min_accuracy", "max_parity_error", "max_generalization_gap")));
        Map<String, KeySchema> root = new LinkedHashMap<>();
        root.put("seed", KeySchema.leaf());
        root.put("backbone", KeySchema.object(backbone));
        root.put("data", KeySchema.object(data));
        root.put("split", KeySchema.object(leaves("train", "val", "test", "grouped")));
        Map<String, KeySchema> features = leaves("batch_size", "threads", "kind");
        features.put("lexical", KeySchema.object(leaves("ngram_max", "max_features", "min_df", "max_df", "sublinear_tf",
                "max_length")));
        features.put("hybrid", KeySchema.object(leaves("neural_scale", "lexical_scale")));
        root.put("features", KeySchema.object(features));
        root.put("heads", KeySchema.listOrOne(KeySchema.object(head)));
        root.put("tune", KeySchema.object(leaves(TuneKeys.TUNE_KEYS.toArray(new String[0]))));
        root.put("ensemble", KeySchema.any());
        root.put("export", KeySchema.object(leaves("head")));
        root.put("validate", KeySchema.object(validate));
        root.put("report", KeySchema.object(leaves("title")));
        Map<String, KeySchema> spark = leaves(SparkKeys.MASTER, SparkKeys.APP_NAME);
        spark.put(SparkKeys.CONF, KeySchema.any());
        root.put("spark", KeySchema.object(spark));
        return KeySchema.object(root);
    }

    private static Map<String, KeySchema> leaves(String... keys) {
        Map<String, KeySchema> m = new LinkedHashMap<>();
        for (String k : keys) {
            m.put(k, KeySchema.leaf());
        }
        return m;
    }

    /** The top-level keys a spec may hold, in documentation order. */
    public static List<String> topLevelKeys() {
        return SCHEMA.keys();
    }

    /**
     * Reads a spec file.
     *
     * @throws SpecException naming the key path: unknown key (with the closest valid one), bad value,
     *     missing file (with the resolved path), or unreadable YAML
     */
    public static PipelineSpec read(Path file) throws SpecException {
        if (!Files.isRegularFile(file)) {
            throw new SpecException(file, "", "spec file not found (resolved to " + file.toAbsolutePath().normalize() + ")");
        }
        JsonNode root;
        try {
            YamlAliases.refuse(file);
            root = YAML.readTree(file.toFile());
        } catch (IOException e) {
            throw new SpecException(file, "", "not valid YAML: " + e.getMessage().replace('\n', ' '), e);
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw new SpecException(file, "", "the spec is empty; it needs at least backbone, data and heads");
        }
        SCHEMA.check(root, "", file);
        return new SpecReader(file).bind((ObjectNode) root);
    }

    /** A YAML file as a tree, its keys checked as in {@link #read}; no section is required or bound. */
    public static JsonNode readTree(Path file) throws SpecException {
        if (!Files.isRegularFile(file)) {
            throw new SpecException(file, "", "file not found (resolved to " + file.toAbsolutePath().normalize() + ")");
        }
        JsonNode root;
        try {
            YamlAliases.refuse(file);
            root = YAML.readTree(file.toFile());
        } catch (IOException e) {
            throw new SpecException(file, "", "not valid YAML: " + e.getMessage().replace('\n', ' '), e);
        }
        if (root == null || !root.isObject()) {
            throw new SpecException(file, "", "expected a mapping of sections");
        }
        SCHEMA.check(root, "", file);
        return root;
    }

    /** One YAML value written on a command line ({@code 0.1}, {@code entropy}, {@code [0.01, 0.1]}). */
    public static JsonNode yamlValue(String text) {
        try {
            JsonNode n = YAML.readTree(text);
            return n == null || n.isMissingNode() ? JsonNodeFactory.instance.nullNode() : n;
        } catch (IOException e) {
            throw new IllegalArgumentException("not a YAML value: " + e.getMessage().lines().findFirst().orElse(""), e);
        }
    }

    /**
     * The {@code heads:} section of a YAML file, with {@code seed:} as the heads' default training seed:
     * a full pipeline spec, or a file holding only {@code heads:} (and {@code seed:}). Keys are checked
     * as in {@link #read}; other sections are not read.
     */
    public static List<Sections.Head> readHeads(Path file) throws SpecException {
        JsonNode root = readTree(file);
        if (root.get("heads") == null || root.get("heads").isNull()) {
            throw new SpecException(file, "heads", "required section, and missing");
        }
        SpecReader r = new SpecReader(file);
        return r.heads(root.get("heads"), r.v.longValue(root, "", "seed", DEFAULT_SEED));
    }

    /**
     * The {@code tune:} section of a YAML file holding {@code heads:} (defaults when absent), checked
     * against those heads as in {@link #read}.
     */
    public static Sections.Tune readTune(Path file, List<Sections.Head> heads) throws SpecException {
        JsonNode root = readTree(file);
        TuneKeys keys = new TuneKeys(file);
        Sections.Tune tune = keys.tune(root.get("tune"), tunedNames(heads));
        keys.check(heads, tune, false);
        return tune;
    }

    private static List<String> tunedNames(List<Sections.Head> heads) {
        return heads.stream().filter(Sections.Head::tuned).map(Sections.Head::name).toList();
    }

    /** Checks tuned heads against {@code tune} settings given outside a file (command-line options). */
    public static void checkTune(Path origin, List<Sections.Head> heads, Sections.Tune tune) throws SpecException {
        new TuneKeys(origin).check(heads, tune, false);
    }

    /**
     * One head from a mapping of spec keys ({@code name}, {@code kind}, ..., {@code regularization},
     * {@code training}), checked as a {@code heads:} entry; errors name {@code origin} and the key path.
     */
    public static Sections.Head head(Map<String, Object> keys, long seed, Path origin) throws SpecException {
        JsonNode node = RECORDS.valueToTree(keys);
        SCHEMA.check(JsonNodeFactory.instance.objectNode().set("heads", node), "", origin);
        return new SpecReader(origin).heads(node, seed).get(0);
    }

    private PipelineSpec bind(ObjectNode root) throws SpecException {
        long seed = v.longValue(root, "", "seed", DEFAULT_SEED);
        for (String required : List.of("backbone", "data", "heads")) {
            if (root.get(required) == null || root.get(required).isNull()) {
                throw new SpecException(file, required, "required section, and missing");
            }
        }
        Map<String, JsonNode> sections = new LinkedHashMap<>();
        root.fields().forEachRemaining(e -> sections.put(e.getKey(), e.getValue().deepCopy()));
        sections.put("seed", JsonNodeFactory.instance.numberNode(seed));

        Sections.Backbone backbone = backbone(root.get("backbone"), sections);
        DatasetSpec data = data(root.get("data"), sections);
        Sections.Split split = split(root.get("split"), data);
        JsonNode f = root.get("features");
        Sections.Features features = features(f);
        if (features.hybridKind() && !backbone.truncation()) {
            throw new SpecException(file, "backbone.truncation", "must be true with 'features.kind: hybrid': the hybrid graph"
                    + " cuts the backbone's window from the lexical one in-graph, as truncation would");
        }
        List<Sections.Head> heads = heads(root.get("heads"), seed);
        TuneKeys tuneKeys = new TuneKeys(file);
        JsonNode tuneNode = root.get("tune");
        Sections.Tune tune = tuneKeys.tune(tuneNode, tunedNames(heads));
        tuneKeys.check(heads, tune, tuneNode != null && !tuneNode.isNull());
        JsonNode topTrials = root.path("ensemble").path("members").path("top_trials");
        if (!topTrials.isMissingNode() && heads.stream().noneMatch(Sections.Head::tuned)) {
            throw new SpecException(file, "ensemble.members.top_trials", "takes members from the tune stage's trials, and no "
                    + "head is tuned; give a head a range or 'regularization: auto'");
        }
        JsonNode e = root.get("export");
        String exportHead = v.string(e, "export", "head", "best");
        JsonNode ensemble = root.get("ensemble");
        boolean soup = ensemble != null && ensemble.hasNonNull("soup");
        if (!"best".equals(exportHead) && heads.stream().noneMatch(h -> h.name().equals(exportHead))
                && !(soup && Sections.Export.SOUP.equals(exportHead))) {
            String expected = "'best'" + (soup ? ", 'soup'" : "") + " or one of " + heads.stream().map(Sections.Head::name).toList();
            throw new SpecException(file, "export.head", "no head is named '" + exportHead + "'; expected " + expected, expected,
                    exportHead);
        }
        if (ensemble != null && !ensemble.isNull()) {
            try {
                // checked here, against the spec's head names, so that an unknown member is refused before
                // any stage runs (the ensemble stage parses it again against the heads it finds trained)
                EnsembleConfig.parse(file.toString(), ensemble, heads.stream().map(Sections.Head::name).toList());
            } catch (SpecException ex) {
                throw ex;
            } catch (RegulaException ex) {
                String text = ex.getMessage().replaceFirst("^" + java.util.regex.Pattern.quote(file + ": "), "");
                int colon = text.indexOf(": ");
                boolean keyed = colon > 0 && text.startsWith("ensemble");
                throw new SpecException(file, keyed ? text.substring(0, colon) : "ensemble", keyed ? text.substring(colon + 2) : text, ex);
            }
        }
        if (backbone.unfreeze() != null) {
            new UnfreezeKeys(file, v).check(backbone, features, data, heads, ensemble);
        }
        Sections.Validate validate = validate(root.get("validate"));
        SparkKeys.read(file, root.get("spark"));
        return new PipelineSpec(file, seed, backbone, data, split, features, heads, tune, nonNull(root.get("ensemble")),
                new Sections.Export(exportHead), validate, nonNull(root.get("report")), sections);
    }

    private Sections.Features features(JsonNode f) throws SpecException {
        int batch = v.integer(f, "features", "batch_size", 0, 0);
        int threads = v.integer(f, "features", "threads", 0, 0);
        String kind = v.string(f, "features", "kind", Sections.Features.NEURAL);
        List<String> kinds = List.of(Sections.Features.NEURAL, Sections.Features.LEXICAL, Sections.Features.HYBRID);
        if (!kinds.contains(kind)) {
            String near = kinds.stream().min(java.util.Comparator.comparingInt(k -> Levenshtein.distance(k, kind))).orElseThrow();
            throw new SpecException(file, "features.kind", "unknown kind '" + kind + "'; expected one of " + kinds
                    + " (did you mean '" + near + "'?)");
        }
        JsonNode lex = f == null ? null : f.get("lexical");
        JsonNode hyb = f == null ? null : f.get("hybrid");
        if (!Sections.Features.HYBRID.equals(kind) && hyb != null && !hyb.isNull()) {
            throw new SpecException(file, "features.hybrid", "is read only with 'features.kind: hybrid', and kind is '"
                    + kind + "'");
        }
        if (Sections.Features.NEURAL.equals(kind)) {
            if (lex != null && !lex.isNull()) {
                throw new SpecException(file, "features.lexical", "is read only with 'features.kind: lexical' or 'hybrid',"
                        + " and kind is '" + kind + "'");
            }
            return new Sections.Features(batch, threads, kind, null);
        }
        String at = "features.lexical";
        LexicalSpec d = LexicalSpec.defaults();
        int ngramMax = v.integer(lex, at, "ngram_max", d.ngramMax(), 1);
        if (ngramMax > 5) {
            throw new SpecException(file, at + ".ngram_max", "must be 1..5, got " + ngramMax);
        }
        LexicalSpec spec = new LexicalSpec(ngramMax, v.integer(lex, at, "max_features", d.maxFeatures(), 0),
                v.integer(lex, at, "min_df", d.minDf(), 1), v.number(lex, at, "max_df", d.maxDf(), 0, 1, false),
                v.bool(lex, at, "sublinear_tf", d.sublinearTf()), v.integer(lex, at, "max_length", d.maxLength(), 2));
        if (spec.maxDf() == 0) {
            throw new SpecException(file, at + ".max_df", "must be a fraction in (0, 1], got 0");
        }
        if (!Sections.Features.HYBRID.equals(kind)) {
            return new Sections.Features(batch, threads, kind, spec);
        }
        Sections.Hybrid h = new Sections.Hybrid(positive(hyb, "neural_scale"), positive(hyb, "lexical_scale"));
        return new Sections.Features(batch, threads, kind, spec, h);
    }

    /** A block scale of {@code features.hybrid}: a finite number > 0, default 1. */
    private double positive(JsonNode hyb, String key) throws SpecException {
        double x = v.number(hyb, "features.hybrid", key, 1, 0, 1e6, false);
        if (x == 0) {
            throw new SpecException(file, "features.hybrid." + key, "must be > 0 (a factor on the block), got 0");
        }
        return x;
    }

    private static JsonNode nonNull(JsonNode n) {
        return n == null || n.isNull() ? null : n.deepCopy();
    }

    private Sections.Backbone backbone(JsonNode b, Map<String, JsonNode> sections) throws SpecException {
        String model = source(b, "backbone", "model", true);
        String tokenizer = source(b, "backbone", "tokenizer", false);
        ObjectNode written = (ObjectNode) sections.get("backbone");
        written.put("model", model);
        if (tokenizer != null) {
            written.put("tokenizer", tokenizer);
        }
        Pooling pooling = v.parsed(b, "backbone", "pooling", "mean", Pooling::parse);
        return new Sections.Backbone(model, tokenizer, v.string(b, "backbone", "feature_tensor", null), pooling,
                v.bool(b, "backbone", "l2_normalize", false), v.string(b, "backbone", "mask_input", null),
                v.integer(b, "backbone", "max_length", Sections.Backbone.DEFAULT_MAX_LENGTH, 1), v.bool(b, "backbone", "truncation", true),
                quantize(b == null ? null : b.get("quantize")), new UnfreezeKeys(file, v).unfreeze(b == null ? null : b.get("unfreeze")));
    }

    /** {@code backbone.quantize}, or null when absent. */
    private QuantizeSpec quantize(JsonNode q) throws SpecException {
        if (q == null || q.isNull()) {
            return null;
        }
        String path = "backbone.quantize";
        if (!q.isObject()) {
            throw new SpecException(file, path, "expected a mapping {mode: static|dynamic, calibration: N, method: minmax|percentile,"
                    + " weights: per_channel|per_tensor, smooth: ALPHA},"
                    + " got " + Values.describe(q), "a mapping", Values.describe(q));
        }
        QuantizeSpec.Mode mode = v.parsed(q, path, "mode", "static", QuantizeSpec.Mode::parse);
        int calibration = v.integer(q, path, "calibration", QuantizeSpec.DEFAULT_CALIBRATION, 1);
        CalibrationMethod method = v.parsed(q, path, "method", "minmax", CalibrationMethod::parse);
        double percentile = v.number(q, path, "percentile", QuantizeSpec.DEFAULT_PERCENTILE, 50, 100, false);
        if (percentile <= 50) {
            throw new SpecException(file, path + ".percentile", "must be above 50, got " + Values.fmt(percentile),
                    "a number in (50, 100]", Values.fmt(percentile));
        }
        QuantizeSpec.Weights weights = v.parsed(q, path, "weights", "per_channel", QuantizeSpec.Weights::parse);
        JsonNode sm = q.get("smooth");
        Double smooth = sm == null || sm.isNull() ? null : v.number(q, path, "smooth", 0.5, 0, 1, false);
        return new QuantizeSpec(mode, calibration, method, percentile, weights, smooth);
    }

    /** A backbone source with a relative file path resolved against the spec's folder, checked to exist. */
    private String source(JsonNode b, String section, String key, boolean required) throws SpecException {
        String text = required ? v.required(b, section, key) : v.string(b, section, key, null);
        if (text == null) {
            return null;
        }
        String path = section + "." + key;
        BackboneSource s;
        try {
            s = BackboneSource.parse(text);
        } catch (BackboneException e) {
            throw new SpecException(file, path, e.getMessage(), e);
        }
        return switch (s.kind()) {
            case PATH -> {
                Path p = mustExist(s.path(), path);
                yield p.toString();
            }
            case JAR_FILE -> mustExist(s.path(), path) + "!/" + s.entry();
            case CLASSPATH, MAVEN -> s.text();
        };
    }

    private Path mustExist(Path p, String keyPath) throws SpecException {
        Path resolved = dir.resolve(p).normalize();
        if (!Files.exists(resolved)) {
            throw new SpecException(file, keyPath, "file not found: " + resolved, "an existing file", resolved.toString());
        }
        return resolved;
    }

    private DatasetSpec data(JsonNode d, Map<String, JsonNode> sections) throws SpecException {
        Path path = mustExist(Path.of(v.required(d, "data", "path")), "data.path");
        ((ObjectNode) sections.get("data")).put("path", path.toString());
        DatasetFormat format = v.parsed(d, "data", "format", null, DatasetFormat::parse);
        if (format == null) {
            try {
                format = DatasetFormat.guess(path);
            } catch (IllegalArgumentException e) {
                throw new SpecException(file, "data.format", e.getMessage(), e);
            }
        }
        BadRowPolicy badRows = v.parsed(d, "data", "bad_rows", "fail",
                s -> BadRowPolicy.valueOf(s.trim().toUpperCase(Locale.ROOT)));
        try {
            return new DatasetSpec(path, format, v.string(d, "data", "text_field", null), v.string(d, "data", "label_field", null),
                    v.string(d, "data", "group_field", null), v.string(d, "data", "split_field", null),
                    v.strings(d, "data", "feature_fields"), badRows);
        } catch (IllegalArgumentException e) {
            throw new SpecException(file, "data", e.getMessage(), e);
        }
    }

    private Sections.Split split(JsonNode s, DatasetSpec data) throws SpecException {
        double train = v.number(s, "split", "train", 0.7, 0, 1, false);
        double val = v.number(s, "split", "val", 0.15, 0, 1, false);
        double test = v.number(s, "split", "test", 0.15, 0, 1, false);
        if (Math.abs(train + val + test - 1) > 1e-6) {
            throw new SpecException(file, "split", "train + val + test must be 1, got " + (train + val + test), "1",
                    String.valueOf(train + val + test));
        }
        // Every split has a reader in the pipeline: train fits the heads, val picks the exported head,
        // stops early and fits the ensemble, test is what validate measures. An empty one used to be
        // refused only by the stage that reads it, after the features had been computed.
        if (data.splitField() == null) {
            nonEmpty("train", train, "the heads are trained on it");
            nonEmpty("val", val, "it picks the exported head, drives early stopping and fits the ensemble's combiner");
            nonEmpty("test", test, "validate measures the exported model on it");
        }
        boolean grouped = v.bool(s, "split", "grouped", false);
        if (grouped && data.groupField() == null) {
            throw new SpecException(file, "split.grouped", "grouped splits need data.group_field");
        }
        return new Sections.Split(train, val, test, grouped);
    }

    private void nonEmpty(String key, double fraction, String why) throws SpecException {
        if (fraction == 0) {
            throw new SpecException(file, "split." + key, "0 leaves the " + key + " split empty, and the pipeline needs it: "
                    + why + "; expected a fraction > 0", "a fraction > 0", "0");
        }
    }

    private List<Sections.Head> heads(JsonNode node, long seed) throws SpecException {
        List<JsonNode> items = new ArrayList<>();
        boolean list = node.isArray();
        if (list) {
            node.forEach(items::add);
        } else {
            items.add(node);
        }
        if (items.isEmpty()) {
            throw new SpecException(file, "heads", "needs at least one head");
        }
        List<Sections.Head> heads = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < items.size(); i++) {
            String path = list ? "heads[" + i + "]" : "heads";
            if (!items.get(i).isObject()) {
                throw new SpecException(file, path, "expected a mapping (kind, hidden_sizes, regularization, ...), got "
                        + Values.describe(items.get(i)), "a mapping", Values.describe(items.get(i)));
            }
            ObjectNode item = ((ObjectNode) items.get(i)).deepCopy();
            String name = v.string(item, path, "name", "head-" + i);
            if (!NAME.matcher(name).matches()) {
                throw new SpecException(file, path + ".name", "'" + name + "' is not a valid name; use letters, digits, _ and -",
                        "letters, digits, _ and -", name);
            }
            if (!names.add(name)) {
                throw new SpecException(file, path + ".name", "'" + name + "' names two heads; names must be unique", "a unique name",
                        name);
            }
            JsonNode reg = item.remove("regularization");
            JsonNode training = item.remove("training");
            item.remove("name");
            if (item.get("kind") == null) {
                throw new SpecException(file, path + ".kind", "required, one of [linear, mlp]", "one of [linear, mlp]", null);
            }
            HeadSpec head = map(item, HeadSpec.class, path);
            TuneKeys.Extracted searched = new TuneKeys(file).extract(path, head, reg, training);
            reg = searched.regularization();
            training = searched.training();
            RegularizationSpec r = map(reg == null || reg.isNull() ? JsonNodeFactory.instance.objectNode() : reg,
                    RegularizationSpec.class, path + ".regularization");
            ObjectNode t = training == null || training.isNull() ? JsonNodeFactory.instance.objectNode()
                    : training.isObject() ? ((ObjectNode) training).deepCopy() : null;
            if (t == null) {
                throw new SpecException(file, path + ".training", "expected a mapping, got " + Values.describe(training));
            }
            TRAINING_DEFAULTS.forEach((k, d) -> {
                if (!t.has(k)) {
                    t.set(k, RECORDS.valueToTree(d));
                }
            });
            if (!t.has("seed")) {
                t.put("seed", seed);
            }
            heads.add(new Sections.Head(name, head, r, map(t, TrainingSpec.class, path + ".training"), searched.search()));
        }
        return heads;
    }

    private Sections.Validate validate(JsonNode n) throws SpecException {
        JsonNode g = n == null ? null : n.get("gates");
        Sections.Gates gates = new Sections.Gates(v.optionalNumber(g, "validate.gates", "min_accuracy", 0, 1),
                v.optionalNumber(g, "validate.gates", "max_parity_error", 0, Double.MAX_VALUE),
                v.optionalNumber(g, "validate.gates", "max_generalization_gap", -1, 1));
        return new Sections.Validate(v.number(n, "validate", "parity_atol", 1e-4, 0, Double.MAX_VALUE, false),
                v.number(n, "validate", "parity_rtol", 1e-3, 0, Double.MAX_VALUE, false),
                v.integer(n, "validate", "latency_samples", 100, 0), v.integer(n, "validate", "throughput_batch", 32, 1),
                providers(n == null ? null : n.get("providers")), v.bool(n, "validate", "cuda_tf32", false), gates);
    }

    /** {@code validate.providers}: {@code auto} (the default), {@code cpu}, {@code cuda}, or a list of cpu/cuda. */
    private List<Sections.Provider> providers(JsonNode n) throws SpecException {
        String at = "validate.providers";
        if (n == null || n.isNull()) {
            return List.of(Sections.Provider.AUTO);
        }
        List<JsonNode> items = new ArrayList<>();
        if (n.isArray()) {
            n.forEach(items::add);
        } else {
            items.add(n);
        }
        if (items.isEmpty()) {
            throw new SpecException(file, at, "needs at least one of cpu, cuda (or auto)");
        }
        List<Sections.Provider> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            String path = n.isArray() ? at + "[" + i + "]" : at;
            JsonNode item = items.get(i);
            if (!item.isTextual()) {
                throw new SpecException(file, path, "expected cpu, cuda or auto, got " + Values.describe(item), "cpu, cuda or auto",
                        Values.describe(item));
            }
            Sections.Provider p;
            try {
                p = Sections.Provider.parse(item.asText());
            } catch (IllegalArgumentException e) {
                throw new SpecException(file, path, e.getMessage(), e);
            }
            if (p == Sections.Provider.AUTO && items.size() > 1) {
                throw new SpecException(file, path, "auto stands alone (it means cpu, then cuda when available); "
                        + "list cpu and cuda explicitly instead");
            }
            if (out.contains(p)) {
                throw new SpecException(file, path, "'" + p.key() + "' is listed twice", "each provider once", p.key());
            }
            out.add(p);
        }
        return out;
    }

    /** Maps a node onto one of transfer's records, turning its validation messages into key-path errors. */
    private <T> T map(JsonNode node, Class<T> type, String path) throws SpecException {
        try {
            return RECORDS.treeToValue(node, type);
        } catch (JsonMappingException e) {
            String at = path + refs(e);
            Throwable cause = e instanceof ValueInstantiationException && e.getCause() != null ? e.getCause() : null;
            if (cause instanceof IllegalArgumentException || cause instanceof NullPointerException) {
                throw keyed(at, cause.getMessage(), e);
            }
            if (e instanceof InvalidFormatException f) {
                String expected = f.getTargetType().getSimpleName().toLowerCase(Locale.ROOT);
                throw new SpecException(file, at, "expected " + expected + ", got '" + f.getValue() + "'", expected,
                        String.valueOf(f.getValue()), e);
            }
            throw new SpecException(file, at, e.getOriginalMessage().replace('\n', ' '), e);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new SpecException(file, path, e.getMessage(), e);
        }
    }

    private static String refs(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                sb.append('.').append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    /**
     * Transfer's records say {@code "dropout.rate must be in [0, 1), got 1.5"}; this becomes
     * {@code heads[1].regularization.dropout.rate: 1.5 is not in [0, 1)}.
     */
    private SpecException keyed(String at, String message, Exception cause) {
        Matcher m = message == null ? null : KEYED.matcher(message);
        if (m == null || !m.matches()) {
            return new SpecException(file, at, String.valueOf(message), cause);
        }
        String key = m.group(1);
        String rest = m.group(2).strip();
        String last = at.substring(at.lastIndexOf('.') + 1);
        String first = key.contains(".") ? key.substring(0, key.indexOf('.')) : key;
        String full = first.equals(last) ? at + key.substring(first.length()) : at + "." + key;
        Matcher r = RANGE.matcher(rest);
        if (r.matches()) {
            return new SpecException(file, full, r.group(2) + " is not in " + r.group(1), "a number in " + r.group(1),
                    r.group(2), cause);
        }
        // transfer's records say what they expected and what they got in words; the same, as data
        Matcher u = UNKNOWN.matcher(rest);
        if (u.matches()) {
            return new SpecException(file, full, rest, u.group(2), u.group(1), cause);
        }
        Matcher g = GOT.matcher(rest);
        return new SpecException(file, full, rest, null, g.find() ? g.group(1) : null, cause);
    }
}
