package dev.regula.transfer.features;

import java.nio.file.Path;

/** A feature store could not be written, opened or verified; names the file at fault. */
public class FeatureStoreException extends Exception {
    private final Path file;

    public FeatureStoreException(Path file, String detail) {
        this(file, detail, null);
    }

    public FeatureStoreException(Path file, String detail, Throwable cause) {
        super(file + ": " + detail, cause);
        this.file = file;
    }

    /** The file or folder at fault. */
    public Path file() {
        return file;
    }
}
