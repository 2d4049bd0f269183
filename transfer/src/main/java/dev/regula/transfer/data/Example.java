package dev.regula.transfer.data;

import java.util.Objects;

/**
 * One labelled example: either a text (for a text backbone) or a numeric vector, never both.
 *
 * <p>The vector array is not copied (datasets are large); callers must not modify it.
 *
 * @param text the raw text, or null for a numeric example
 * @param vector the feature vector, or null for a text example
 * @param label the class name as it appears in the data
 * @param group the group (e.g. author, source folder) for group-aware splits, or null
 * @param splitName the split named by the data (train/val/test), or null
 * @param source where the example came from, {@code file:line}
 */
public record Example(String text, float[] vector, String label, String group, String splitName, String source) {
    public Example {
        if ((text == null) == (vector == null)) {
            throw new IllegalArgumentException("an example holds exactly one of text and vector (" + source + ")");
        }
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(source, "source");
        if (label.isEmpty()) {
            throw new IllegalArgumentException("empty label (" + source + ")");
        }
    }

    /** A text example. */
    public static Example text(String text, String label, String source) {
        return new Example(text, null, label, null, null, source);
    }

    /** A numeric example. */
    public static Example vector(float[] vector, String label, String source) {
        return new Example(null, vector, label, null, null, source);
    }

    /** True for a numeric example. */
    public boolean isNumeric() {
        return vector != null;
    }
}
