package dev.regula.pipeline.spec;

import dev.regula.pipeline.RegulaException;
import java.nio.file.Path;

/**
 * A pipeline spec that cannot be used: the message starts with the key path at fault
 * (e.g. {@code heads[1].regularization.dropout.rate}) and says what was expected.
 */
public class SpecException extends RegulaException {
    private final transient Path file;
    private final String keyPath;

    public SpecException(Path file, String keyPath, String message) {
        super(file + ": " + (keyPath.isEmpty() ? "" : keyPath + ": ") + message);
        this.file = file;
        this.keyPath = keyPath;
    }

    public SpecException(Path file, String keyPath, String message, Throwable cause) {
        super(file + ": " + (keyPath.isEmpty() ? "" : keyPath + ": ") + message, cause);
        this.file = file;
        this.keyPath = keyPath;
    }

    /** The spec file. */
    public Path file() {
        return file;
    }

    /** The key path at fault, e.g. {@code heads[0].regularization}; empty for the whole file. */
    public String keyPath() {
        return keyPath;
    }
}
