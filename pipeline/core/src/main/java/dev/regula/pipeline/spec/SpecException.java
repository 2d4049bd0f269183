package dev.regula.pipeline.spec;

import dev.regula.pipeline.Problem;
import dev.regula.pipeline.RegulaException;
import java.nio.file.Path;

/**
 * A pipeline spec that cannot be used: its {@link #problem()} names the file and the key path at
 * fault (e.g. {@code heads[1].regularization.dropout.rate}), and the message, rendered
 * {@code FILE: KEY: detail}, says what was expected.
 */
public class SpecException extends RegulaException {
    public SpecException(Path file, String keyPath, String message) {
        this(file, keyPath, message, null);
    }

    public SpecException(Path file, String keyPath, String message, Throwable cause) {
        super(Problem.at(file, keyPath, message), cause);
    }

    /** The spec file. */
    public Path file() {
        return problem().file();
    }

    /** The key path at fault, e.g. {@code heads[0].regularization}; empty for the whole file. */
    public String keyPath() {
        String k = problem().keyPath();
        return k == null ? "" : k;
    }
}
