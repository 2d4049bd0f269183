package dev.regula.pipeline;

import java.util.Locale;

/**
 * An input of a stage request that a user sets by name, named neutrally. Core never spells a
 * front end's syntax: an error names the option ({@link Problem#option()}) and each front end
 * renders it its own way ({@code --top-k} on the command line, {@code <topK>} in a Mojo).
 */
public enum OptionName {
    BACKBONE, TOKENIZER, MAX_LENGTH, POOLING, DATA, OUT,
    FEATURES, FEATURE_MODEL, HEADS, HEAD, NAME, SPEC, TUNE, ENSEMBLE, SOUP, MODEL, VALIDATION, MAX_PARITY_ERROR,
    MEMBERS, TOP_K, COMBINER, COMBINER_OPTION, SEEDS, BAGGING, SNAPSHOTS,
    KIND, HIDDEN_SIZES, ACTIVATION, DROPOUT, INPUT_DROPOUT, L1, L2, WEIGHT_DECAY, MAX_NORM, LABEL_SMOOTHING,
    PATIENCE, OPTIMIZER, LEARNING_RATE, EPOCHS, BATCH_SIZE, SEED,
    STRATEGY, FOLDS;

    /** The neutral name, lower case with underscores as spec keys are: {@code top_k}, {@code feature_model}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
