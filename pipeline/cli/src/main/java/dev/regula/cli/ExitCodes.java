package dev.regula.cli;

/** Exit codes of every {@code regula} command. */
public final class ExitCodes {
    public static final int OK = 0;
    /** A failure, including a failed quality gate. */
    public static final int FAILURE = 1;
    /** The command line itself was wrong. */
    public static final int USAGE = 2;
    /**
     * Stopped by SIGTERM while committing: 128 + 15, the code the JVM itself exits with once the
     * signal's shutdown hooks have run, so a caller sees the same code whichever thread gets there first.
     */
    public static final int INTERRUPTED = 143;

    private ExitCodes() {
    }
}
