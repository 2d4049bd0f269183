package dev.regula.models.runtime;

import java.nio.file.Path;

/**
 * An output cannot be used as asked: missing from a run, of another shape than its counterpart in a
 * parity check, or of a kind Regula does not copy out (e.g. a sequence or a string tensor).
 */
public class OutputMismatchException extends RunnerException {
    private final String output;
    private final String expected;
    private final String found;

    public OutputMismatchException(Path file, String output, String problem, String expected, String found) {
        super(file, problem + ": expected " + expected + ", found " + found);
        this.output = output;
        this.expected = expected;
        this.found = found;
    }

    /** The output at fault. */
    public String output() {
        return output;
    }

    public String expected() {
        return expected;
    }

    public String found() {
        return found;
    }
}
