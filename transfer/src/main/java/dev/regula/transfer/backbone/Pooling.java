package dev.regula.transfer.backbone;

import java.util.Arrays;
import java.util.Locale;

/** How token vectors {@code [B, L, d]} become one vector per example {@code [B, d]}. */
public enum Pooling {
    /** Mean over the positions where the attention mask is 1. */
    MEAN,
    /** The first token's vector (BERT's [CLS]). */
    CLS,
    /** Element-wise maximum over the positions where the attention mask is 1. */
    MAX,
    /** The feature tensor already is {@code [B, d]}. */
    NONE;

    /** Parses {@code mean}, {@code cls}, {@code max} or {@code none} (any case). */
    public static Pooling parse(String text) {
        try {
            return valueOf(text.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("unknown pooling '" + text + "', expected one of "
                    + Arrays.toString(Arrays.stream(values()).map(Pooling::yamlName).toArray()));
        }
    }

    /** The lower-case name used in YAML and in the model's metadata. */
    public String yamlName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** True when this pooling reads the attention mask. */
    public boolean needsMask() {
        return this == MEAN || this == MAX;
    }
}
