package dev.regula.pipeline.spec;

import dev.regula.pipeline.OptionName;
import dev.regula.pipeline.Problem;
import dev.regula.pipeline.RegulaException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One head described by command-line options ({@code regula train --kind mlp --hidden-sizes 64 ...}),
 * each mapping to one {@code heads:} key; null means the key's default. {@link #toHead} checks it
 * exactly as a spec's head, and an error names the option ({@link Problem#option()}) and the key.
 */
public record HeadOptions(String name, String kind, List<Integer> hiddenSizes, String activation, Double dropout,
                          Double inputDropout, Double l1, Double l2, Double weightDecay, Double maxNorm,
                          Double labelSmoothing, Integer patience, String optimizer, Double learningRate, Integer epochs,
                          Integer batchSize, Long seed) {
    /** Spec key path → the option that sets it, for error messages. */
    private static final Map<String, OptionName> OPTIONS = Map.ofEntries(Map.entry("name", OptionName.NAME),
            Map.entry("kind", OptionName.KIND), Map.entry("hidden_sizes", OptionName.HIDDEN_SIZES), Map.entry("activation", OptionName.ACTIVATION),
            Map.entry("regularization.dropout.rate", OptionName.DROPOUT),
            Map.entry("regularization.dropout.input_rate", OptionName.INPUT_DROPOUT),
            Map.entry("regularization.l1", OptionName.L1), Map.entry("regularization.l2", OptionName.L2),
            Map.entry("regularization.weight_decay", OptionName.WEIGHT_DECAY), Map.entry("regularization.max_norm", OptionName.MAX_NORM),
            Map.entry("regularization.label_smoothing", OptionName.LABEL_SMOOTHING),
            Map.entry("regularization.early_stopping.patience", OptionName.PATIENCE), Map.entry("training.optimizer", OptionName.OPTIMIZER),
            Map.entry("training.learning_rate", OptionName.LEARNING_RATE), Map.entry("training.epochs", OptionName.EPOCHS),
            Map.entry("training.batch_size", OptionName.BATCH_SIZE), Map.entry("training.seed", OptionName.SEED));

    /**
     * The head, trained with {@code seed} unless {@link #seed} is set.
     *
     * @throws RegulaException naming the option at fault and its key, rendered e.g.
     *     {@code --dropout (regularization.dropout.rate): 1.5 is not in [0, 1)}
     */
    public Sections.Head toHead(long defaultSeed) throws RegulaException {
        Map<String, Object> head = new LinkedHashMap<>();
        put(head, "name", name);
        put(head, "kind", kind);
        put(head, "hidden_sizes", hiddenSizes);
        put(head, "activation", activation);
        Map<String, Object> reg = new LinkedHashMap<>();
        if (dropout != null || inputDropout != null) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("kind", "standard");
            put(d, "rate", dropout);
            put(d, "input_rate", inputDropout);
            reg.put("dropout", d);
        }
        put(reg, "l1", l1);
        put(reg, "l2", l2);
        put(reg, "weight_decay", weightDecay);
        put(reg, "max_norm", maxNorm);
        put(reg, "label_smoothing", labelSmoothing);
        if (patience != null) {
            reg.put("early_stopping", Map.of("patience", patience));
        }
        if (!reg.isEmpty()) {
            head.put("regularization", reg);
        }
        Map<String, Object> training = new LinkedHashMap<>();
        put(training, "optimizer", optimizer);
        put(training, "learning_rate", learningRate);
        put(training, "epochs", epochs);
        put(training, "batch_size", batchSize);
        put(training, "seed", seed);
        if (!training.isEmpty()) {
            head.put("training", training);
        }
        Path origin = Path.of("head options");
        try {
            return SpecReader.head(head, defaultSeed, origin);
        } catch (SpecException e) {
            String key = e.keyPath().startsWith("heads.") ? e.keyPath().substring("heads.".length()) : e.keyPath();
            OptionName option = OPTIONS.get(key);
            Problem p = e.problem();
            throw new RegulaException(option == null ? Problem.atKey(key, p.text().toArray()) : p.withOption(option).withKeyPath(key), e);
        }
    }

    private static void put(Map<String, Object> m, String key, Object value) {
        if (value != null) {
            m.put(key, value);
        }
    }
}
