package dev.regula.cli;

import picocli.CommandLine.Option;

/** {@code --verbose} and {@code --quiet}, shared by every command. */
public final class LoggingMixin {
    private static volatile boolean verbose;

    @Option(names = {"-v", "--verbose"}, description = "Log more, and show stack traces of errors.")
    void setVerbose(boolean on) {
        verbose = on;
        if (on) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "debug");
        }
    }

    @Option(names = {"-q", "--quiet"}, description = "Log warnings and errors only.")
    void setQuiet(boolean on) {
        if (on) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
    }

    static boolean verbose() {
        return verbose;
    }
}
