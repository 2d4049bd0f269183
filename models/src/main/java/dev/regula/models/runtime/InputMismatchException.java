package dev.regula.models.runtime;

import java.nio.file.Path;

/** The inputs handed to {@link OrtRunner#run} do not match what the model declares. */
public class InputMismatchException extends RunnerException {
    private final String input;
    private final String expected;
    private final String found;

    public InputMismatchException(Path file, String input, String problem, String expected, String found) {
        super(file, problem + ": expected " + expected + ", found " + found);
        this.input = input;
        this.expected = expected;
        this.found = found;
    }

    /** The input at fault; {@code null} when the problem is the set of names as a whole. */
    public String input() {
        return input;
    }

    public String expected() {
        return expected;
    }

    public String found() {
        return found;
    }
}
