package dev.regula.models;

import java.nio.file.Path;

/**
 * A model file or graph that Regula cannot use: unreadable, malformed, over a limit, or unsafe.
 * The message always names the file (when there is one) and says what was expected.
 */
public class OnnxModelException extends Exception {
    private final Path file;

    public OnnxModelException(Path file, String message) {
        this(file, message, null);
    }

    public OnnxModelException(Path file, String message, Throwable cause) {
        super(file == null ? message : file + ": " + message, cause);
        this.file = file;
    }

    /** The file at fault, or {@code null} when the model did not come from a file. */
    public Path file() {
        return file;
    }
}
