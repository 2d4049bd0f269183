package dev.regula.cli;

import picocli.CommandLine;

/** Entry point of the {@code regula} command. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        // DJL reports at WARN that it found no GPU on every start; that is expected on CPU machines.
        if (System.getProperty("org.slf4j.simpleLogger.log.ai.djl") == null) {
            System.setProperty("org.slf4j.simpleLogger.log.ai.djl", "error");
        }
        System.exit(newCommandLine().execute(args));
    }

    /** The configured command line, shared by {@link #main} and tests. */
    public static CommandLine newCommandLine() {
        CommandLine cl = new CommandLine(new RegulaCommand());
        cl.setExecutionExceptionHandler(new ErrorHandler());
        cl.setParameterExceptionHandler(new UsageErrorHandler());
        return cl;
    }
}
