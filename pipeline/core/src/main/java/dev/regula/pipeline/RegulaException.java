package dev.regula.pipeline;

import dev.regula.transfer.TransferException;
import java.util.function.Function;

/**
 * A failure caused by the user's input (a spec, a model, a data file) or by a failed quality gate,
 * as opposed to a bug. It carries a {@link Problem}: the option or key at fault, file, line,
 * expected and found. Front ends render it in their own words ({@link #render}) without a stack
 * trace; the CLI exits 1 and the Maven plugin fails the build. {@link #getMessage()} spells options
 * neutrally ({@code top_k}), for logs and callers that are no front end.
 */
public class RegulaException extends Exception {
    private final transient Problem problem;

    public RegulaException(String message) {
        this(Problem.of(message));
    }

    public RegulaException(String message, Throwable cause) {
        this(Problem.of(message), cause);
    }

    public RegulaException(Problem problem) {
        this(problem, null);
    }

    public RegulaException(Problem problem, Throwable cause) {
        super(null, cause);
        this.problem = java.util.Objects.requireNonNull(problem, "problem");
    }

    /** What is wrong, as data. */
    public Problem problem() {
        return problem;
    }

    /** The message with options spelled by {@code spelling}, as a front end shows it. */
    public String render(Function<OptionName, String> spelling) {
        return problem.render(spelling);
    }

    @Override
    public String getMessage() {
        return problem.render(Problem::neutral);
    }

    /**
     * Wraps a lower module's checked exception once, keeping its message (which already names the
     * file); a {@link TransferException}'s file and line travel along as data.
     */
    public static RegulaException wrap(Exception cause) {
        if (cause instanceof TransferException t) {
            return new RegulaException(Problem.of(t.detail()).withFile(t.file(), t.line()), cause);
        }
        return new RegulaException(Problem.of(String.valueOf(cause.getMessage())), cause);
    }

    /**
     * Wraps {@code cause}, naming {@code option} that gave the input it failed on:
     * {@code OPTION: cause's message}.
     */
    public static RegulaException wrap(OptionName option, Exception cause) {
        return new RegulaException(Problem.about(option, String.valueOf(cause.getMessage())), cause);
    }

    /**
     * Wraps {@code cause} as a problem at spec key path {@code keyPath} ({@code data}, {@code validate}):
     * rendered {@code KEY: cause's message}. The file, line, expected and found of a
     * {@link TransferException} or of a {@code RegulaException} with no subject travel along as data
     * (then rendered {@code FILE:LINE: KEY: detail}).
     */
    public static RegulaException atKey(String keyPath, Exception cause) {
        if (cause instanceof TransferException t) {
            return new RegulaException(Problem.atKey(keyPath, t.detail()).withFile(t.file(), t.line()), cause);
        }
        if (cause instanceof RegulaException r && r.problem().option() == null && r.problem().keyPath() == null) {
            return new RegulaException(r.problem().withKeyPath(keyPath), cause);
        }
        return new RegulaException(Problem.atKey(keyPath, String.valueOf(cause.getMessage())), cause);
    }
}
