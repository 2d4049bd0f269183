package dev.regula.cli;

/** Exit codes of every {@code regula} command. */
public final class ExitCodes {
    public static final int OK = 0;
    /** A failure, including a failed quality gate. */
    public static final int FAILURE = 1;
    /** The command line itself was wrong. */
    public static final int USAGE = 2;

    private ExitCodes() {
    }
}
