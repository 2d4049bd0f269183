package dev.regula.models.runtime;

import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** ONNX Runtime graph optimization level, spelled as in Regula's configuration. */
public enum GraphOptimization {
    NONE(OptLevel.NO_OPT),
    BASIC(OptLevel.BASIC_OPT),
    EXTENDED(OptLevel.EXTENDED_OPT),
    ALL(OptLevel.ALL_OPT);

    private final OptLevel ortLevel;

    GraphOptimization(OptLevel ortLevel) {
        this.ortLevel = ortLevel;
    }

    /** The matching ONNX Runtime level. */
    public OptLevel ortLevel() {
        return ortLevel;
    }

    /** Lower-case spelling used in configuration. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses {@code none}, {@code basic}, {@code extended} or {@code all}, ignoring case.
     *
     * @throws IllegalArgumentException naming the value and the accepted spellings
     */
    public static GraphOptimization parse(String value) {
        if (value != null) {
            String key = value.strip().toLowerCase(Locale.ROOT);
            for (GraphOptimization g : values()) {
                if (g.key().equals(key)) {
                    return g;
                }
            }
        }
        throw new IllegalArgumentException("Unknown graph optimization level "
                + (value == null ? "null" : "'" + value + "'") + ", expected one of "
                + Arrays.stream(values()).map(GraphOptimization::key).collect(Collectors.joining(", ")));
    }
}
