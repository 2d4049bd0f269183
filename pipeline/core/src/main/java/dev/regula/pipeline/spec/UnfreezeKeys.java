package dev.regula.pipeline.spec;

import com.fasterxml.jackson.databind.JsonNode;
import dev.regula.transfer.data.DatasetSpec;
import dev.regula.transfer.finetune.FineTuneSpec;
import dev.regula.transfer.finetune.HiddenStateCache;
import dev.regula.transfer.regularize.DropoutSpec;
import dev.regula.transfer.regularize.RegularizationSpec;
import dev.regula.transfer.train.TrainingSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * {@code backbone.unfreeze}: {@code unfreeze: N} or a mapping of {@link #KEYS}, and the checks that
 * tie it to the rest of the spec (one plain head, no ensemble, no tune, text data, neural features).
 */
final class UnfreezeKeys {
    static final String AT = "backbone.unfreeze";
    static final List<String> KEYS = List.of("layers", "cut", "schedule", "epochs", "learning_rate", "l2_sp", "l2",
            "hidden_dropout", "patience", "cache_dtype");
    static final int DEFAULT_EPOCHS = 2;
    static final double DEFAULT_LEARNING_RATE = 2e-5;
    static final double DEFAULT_HIDDEN_DROPOUT = 0.1;
    static final int DEFAULT_PATIENCE = 3;

    private final Path file;
    private final Values v;

    UnfreezeKeys(Path file, Values v) {
        this.file = file;
        this.v = v;
    }

    /** The section, or null when absent. */
    Sections.Unfreeze unfreeze(JsonNode u) throws SpecException {
        if (u == null || u.isNull()) {
            return null;
        }
        if (u.isValueNode()) {
            if (!u.isIntegralNumber() || !u.canConvertToInt() || u.intValue() < 1) {
                throw new SpecException(file, AT, "expected a number of layers >= 1 or a mapping of keys " + KEYS + ", got "
                        + Values.describe(u), "a whole number >= 1 or a mapping", Values.describe(u));
            }
            return new Sections.Unfreeze(u.intValue(), null, FineTuneSpec.Schedule.LP_FT, DEFAULT_EPOCHS, DEFAULT_LEARNING_RATE,
                    0, 0, DEFAULT_HIDDEN_DROPOUT, DEFAULT_PATIENCE, HiddenStateCache.Precision.FP16);
        }
        Integer layers = u.has("layers") ? v.integer(u, AT, "layers", 0, 1) : null;
        String cut = v.string(u, AT, "cut", null);
        if ((layers == null) == (cut == null || cut.isBlank())) {
            throw new SpecException(file, AT, layers == null ? "needs layers (how many of the last layers train) or cut (the"
                    + " tensor to cut at)" : "gives both layers and cut; expected one of them", "one of layers, cut",
                    layers == null ? "neither" : "both");
        }
        FineTuneSpec.Schedule schedule = choice(u, "schedule", "lp_ft", List.of("lp_ft", "joint")).equals("joint")
                ? FineTuneSpec.Schedule.JOINT : FineTuneSpec.Schedule.LP_FT;
        HiddenStateCache.Precision dtype = choice(u, "cache_dtype", "fp16", List.of("fp16", "fp32")).equals("fp32")
                ? HiddenStateCache.Precision.FP32 : HiddenStateCache.Precision.FP16;
        double lr = v.number(u, AT, "learning_rate", DEFAULT_LEARNING_RATE, 0, Double.MAX_VALUE, false);
        if (lr == 0) {
            throw new SpecException(file, AT + ".learning_rate", "0 would leave the layers frozen; expected a number > 0",
                    "a number > 0", "0");
        }
        return new Sections.Unfreeze(layers, layers == null ? cut : null, schedule, v.integer(u, AT, "epochs", DEFAULT_EPOCHS, 1), lr,
                v.number(u, AT, "l2_sp", 0, 0, Double.MAX_VALUE, false), v.number(u, AT, "l2", 0, 0, Double.MAX_VALUE, false),
                v.number(u, AT, "hidden_dropout", DEFAULT_HIDDEN_DROPOUT, 0, 1, true),
                v.integer(u, AT, "patience", DEFAULT_PATIENCE, 1), dtype);
    }

    private String choice(JsonNode u, String key, String def, List<String> allowed) throws SpecException {
        String s = v.string(u, AT, key, def).strip().toLowerCase(Locale.ROOT);
        if (!allowed.contains(s)) {
            String near = allowed.stream().min(Comparator.comparingInt(a -> Levenshtein.distance(a, s))).orElseThrow();
            throw new SpecException(file, AT + "." + key, "unknown value '" + s + "', expected one of " + allowed
                    + " (did you mean '" + near + "'?)", "one of " + allowed, s);
        }
        return s;
    }

    /**
     * What an unfrozen backbone allows elsewhere in the spec: one head, trained as written (no ranges),
     * regularized by l2 only, with Adam at a constant rate; no ensemble (members would need a backbone
     * each); neural features of text data with a float backbone.
     */
    void check(Sections.Backbone b, Sections.Features features, DatasetSpec data, List<Sections.Head> heads, JsonNode ensemble)
            throws SpecException {
        if (ensemble != null && !ensemble.isNull()) {
            throw refuse("ensemble", "an ensemble with an unfrozen backbone would need one backbone per member, which is not"
                    + " supported; remove " + AT + " or the ensemble section");
        }
        if (b.quantize() != null) {
            throw refuse("backbone.quantize", "the layers above the cut train in float; quantize after fine-tuning, or remove "
                    + AT);
        }
        if (features.lexicalKind()) {
            throw refuse("features.kind", "lexical features have no transformer to unfreeze");
        }
        if (features.hybridKind()) {
            throw refuse("features.kind", "hybrid features with an unfrozen backbone are not supported (the head would need"
                    + " the lexical block beside the fine-tuned layers); use features.kind neural, or remove " + AT);
        }
        if (data.format().numeric()) {
            throw refuse("data.format", "the hidden-state cache is built from tokenized text, and the data is numeric ("
                    + data.format().id() + ")");
        }
        if (heads.size() != 1) {
            throw refuse("heads", "trains the layers together with one head, and the spec has " + heads.size() + " "
                    + heads.stream().map(Sections.Head::name).toList() + "; keep one head");
        }
        Sections.Head h = heads.get(0);
        String at = "heads";
        if (h.tuned()) {
            throw refuse(at, "head '" + h.name() + "' has ranges or regularization: auto, and the tune stage does not search"
                    + " unfrozen backbones; give it fixed values");
        }
        List<String> unsupported = new ArrayList<>();
        RegularizationSpec r = h.regularization();
        if (!r.dropout().equals(DropoutSpec.none())) {
            unsupported.add("regularization.dropout (use " + AT + ".hidden_dropout)");
        }
        if (r.l1() != 0) {
            unsupported.add("regularization.l1");
        }
        if (r.elasticNet() != null) {
            unsupported.add("regularization.elastic_net");
        }
        if (r.weightDecay() != 0) {
            unsupported.add("regularization.weight_decay (use regularization.l2)");
        }
        if (r.l2Sp() != null) {
            unsupported.add("regularization.l2_sp (use " + AT + ".l2_sp for the layers)");
        }
        if (r.maxNorm() != null) {
            unsupported.add("regularization.max_norm");
        }
        if (r.labelSmoothing() != 0) {
            unsupported.add("regularization.label_smoothing");
        }
        if (r.classWeights() != null) {
            unsupported.add("regularization.class_weights");
        }
        if (r.earlyStopping() != null) {
            unsupported.add("regularization.early_stopping (always on val NLL; use " + AT + ".patience)");
        }
        TrainingSpec t = h.training();
        if (t.optimizer() == TrainingSpec.Optimizer.SGD) {
            unsupported.add("training.optimizer: sgd (adam only)");
        }
        if (t.schedule() != TrainingSpec.Schedule.CONSTANT || t.warmupSteps() > 0) {
            unsupported.add("training.schedule/warmup_steps (a constant rate only)");
        }
        if (t.beta1() != 0.9 || t.beta2() != 0.999 || t.adamEpsilon() != 1e-8) {
            unsupported.add("training.beta1/beta2/adam_epsilon (Adam's defaults only)");
        }
        if (!unsupported.isEmpty()) {
            throw new SpecException(file, at, "with " + AT + ", head '" + h.name() + "' cannot use " + String.join(", ", unsupported),
                    "only regularization.l2 and training.learning_rate/batch_size/epochs/seed", String.join(", ", unsupported));
        }
    }

    private SpecException refuse(String key, String why) {
        return new SpecException(file, key, "cannot be used with " + AT + ": " + why, "no " + key + " with " + AT, key);
    }
}
