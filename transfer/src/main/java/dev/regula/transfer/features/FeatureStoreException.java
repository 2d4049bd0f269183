package dev.regula.transfer.features;

import dev.regula.transfer.TransferException;
import java.nio.file.Path;

/** A feature store could not be written, opened or verified; names the file at fault. */
public class FeatureStoreException extends TransferException {
    public FeatureStoreException(Path file, String detail) {
        this(file, detail, null);
    }

    public FeatureStoreException(Path file, String detail, Throwable cause) {
        super(java.util.Objects.requireNonNull(file, "file"), 0, detail, cause);
    }
}
