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

    /** The error at {@code keyPath} of {@code file}, with what was expected and what was found as data. */
    public SpecException(Path file, String keyPath, String message, String expected, String found) {
        this(file, keyPath, message, expected, found, null);
    }

    /** As {@link #SpecException(Path, String, String, String, String)}, caused by {@code cause}. */
    public SpecException(Path file, String keyPath, String message, String expected, String found, Throwable cause) {
        super(Problem.at(file, keyPath, message).withExpected(expected, found), cause);
    }

    /** The error {@code problem}, which names the spec file and may name a line. */
    public SpecException(Problem problem, Throwable cause) {
        super(problem, cause);
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
