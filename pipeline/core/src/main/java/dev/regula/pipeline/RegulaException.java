package dev.regula.pipeline;

/**
 * A failure caused by the user's input (a spec, a model, a data file) or by a failed quality gate,
 * as opposed to a bug. Front ends print its message without a stack trace; the CLI exits 1 and
 * the Maven plugin fails the build.
 */
public class RegulaException extends Exception {
    public RegulaException(String message) {
        super(message);
    }

    public RegulaException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Wraps a lower module's checked exception once, keeping its message (which already names the file). */
    public static RegulaException wrap(Exception cause) {
        return new RegulaException(cause.getMessage(), cause);
    }
}
