package dev.regula.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.regula.pipeline.RegulaException;
import dev.regula.pipeline.run.Interrupts;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** How the one exception handler maps each kind of failure to words and an exit code. */
class ErrorHandlerTest {
    private final StringWriter err = new StringWriter();
    private final CommandLine cl = Main.newCommandLine();

    ErrorHandlerTest() {
        cl.setErr(new PrintWriter(err, true));
    }

    private int handle(Exception e) throws Exception {
        return new ErrorHandler().handleExecutionException(e, cl, null);
    }

    @Test
    void aCommitRefusedDuringShutdownIsAnInterruptionNotAnInternalError() throws Exception {
        // The shutdown hook has already printed "regula: interrupted" and what it removed.
        assertThat(handle(new Interrupts.InterruptedByShutdown())).isEqualTo(ExitCodes.INTERRUPTED).isEqualTo(143);
        assertThat(err.toString()).doesNotContain("internal error").isEmpty();
    }

    @Test
    void anInterruptionWrappedByACallerIsStillAnInterruption() throws Exception {
        Exception wrapped = new IllegalStateException("export failed", new Interrupts.InterruptedByShutdown());
        assertThat(handle(wrapped)).isEqualTo(143);
        assertThat(err.toString()).doesNotContain("internal error");
    }

    @Test
    void otherUncheckedFailuresStayInternalErrors() throws Exception {
        assertThat(handle(new IllegalStateException("boom"))).isEqualTo(ExitCodes.FAILURE);
        assertThat(err.toString()).contains("internal error: java.lang.IllegalStateException: boom");
    }

    @Test
    void userErrorsPrintTheirMessage() throws Exception {
        assertThat(handle(new RegulaException("data: no rows"))).isEqualTo(ExitCodes.FAILURE);
        assertThat(err.toString()).contains("error: data: no rows").doesNotContain("internal error");
    }
}
