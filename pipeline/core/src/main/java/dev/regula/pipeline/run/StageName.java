package dev.regula.pipeline.run;

import java.util.Arrays;
import java.util.Locale;

/** The pipeline's stages, in run order; each writes {@code <work>/<dir()>/}. */
public enum StageName {
    IMPORT, FEATURES, TUNE, TRAIN, ENSEMBLE, EXPORT, VALIDATE, REPORT;

    /** The stage's folder name and its name on the command line. */
    public String dir() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a stage name as written on the command line ({@code features}, ...). */
    public static StageName parse(String s) {
        for (StageName n : values()) {
            if (n.dir().equals(s.trim().toLowerCase(Locale.ROOT))) {
                return n;
            }
        }
        throw new IllegalArgumentException("unknown stage '" + s + "', expected one of "
                + Arrays.stream(values()).map(StageName::dir).toList());
    }

    @Override
    public String toString() {
        return dir();
    }
}
