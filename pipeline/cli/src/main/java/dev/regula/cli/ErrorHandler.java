package dev.regula.cli;

import dev.regula.pipeline.RegulaException;
import dev.regula.pipeline.run.Interrupts;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * The one place that turns an exception into a message and an exit code. User errors
 * ({@link RegulaException}) print their message only, options spelled as flags ({@link CliOptions});
 * anything else is a bug in Regula and says so. A commit refused because a signal is stopping the
 * process ({@link Interrupts.InterruptedByShutdown}) is neither: the shutdown hook has already said
 * "regula: interrupted" and what it removed, so nothing more is printed and the exit code is 143.
 * {@code --verbose} adds the stack trace in every case.
 */
final class ErrorHandler implements IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception ex, CommandLine cl, ParseResult parsed) {
        PrintWriter err = cl.getErr();
        if (Interrupts.isShutdown(ex)) {
            if (LoggingMixin.verbose()) {
                ex.printStackTrace(err);
                err.flush();
            }
            return ExitCodes.INTERRUPTED;
        }
        if (ex instanceof RegulaException re) {
            err.println(cl.getColorScheme().errorText("error: " + CliOptions.message(re)));
        } else {
            err.println(cl.getColorScheme().errorText("internal error: " + ex
                    + (LoggingMixin.verbose() ? "" : " (run with --verbose for the stack trace)")));
        }
        if (LoggingMixin.verbose()) {
            ex.printStackTrace(err);
        }
        err.flush();
        return ExitCodes.FAILURE;
    }
}
