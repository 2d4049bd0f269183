package dev.regula.models;

import java.nio.file.Path;

/**
 * A model file or graph that Regula cannot use: unreadable, malformed, over a limit, or unsafe.
 * The message always names the file (or, for bytes parsed in memory, the source name given)
 * and says what was expected.
 */
public class OnnxModelException extends Exception {
    private final Path file;
    private final String source;

    public OnnxModelException(Path file, String message) {
        this(file, message, null);
    }

    public OnnxModelException(Path file, String message, Throwable cause) {
        super(file == null ? message : file + ": " + message, cause);
        this.file = file;
        this.source = file == null ? null : file.toString();
    }

    /**
     * For models that came from somewhere other than a file path (a jar resource, a network
     * stream, an in-memory build); {@code source} is the name shown in the message, or null.
     */
    public OnnxModelException(String source, String message, Throwable cause) {
        super(source == null ? message : source + ": " + message, cause);
        this.file = null;
        this.source = source;
    }

    /** The file at fault, or {@code null} when the model did not come from a file. */
    public Path file() {
        return file;
    }

    /** The name of the file or other source at fault, or {@code null} when there is none. */
    public String source() {
        return source;
    }
}
