package dev.regula.models.runtime;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Where a model should run, as a user asks for it (the device that really runs is {@link OrtRunner#activeDevice()}). */
public enum Device {
    /** ONNX Runtime's CPU execution provider. */
    CPU,
    /** The CUDA execution provider; opening a runner fails if it cannot be loaded. */
    CUDA,
    /** CUDA when its provider loads, otherwise CPU (with one logged line saying why). */
    AUTO;

    /** Lower-case spelling used in configuration and on the command line. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses {@code cpu}, {@code cuda} or {@code auto}, ignoring case and surrounding blanks.
     *
     * @throws IllegalArgumentException naming the value and the accepted spellings
     */
    public static Device parse(String value) {
        if (value != null) {
            String key = value.strip().toLowerCase(Locale.ROOT);
            for (Device d : values()) {
                if (d.key().equals(key)) {
                    return d;
                }
            }
        }
        throw new IllegalArgumentException("Unknown device " + (value == null ? "null" : "'" + value + "'")
                + ", expected one of " + Arrays.stream(values()).map(Device::key).collect(Collectors.joining(", ")));
    }
}
