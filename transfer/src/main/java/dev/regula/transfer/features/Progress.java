package dev.regula.transfer.features;

/**
 * Progress of a long task: a bar on an interactive console, else log lines every ~10% or 10 s.
 * Close it when the task ends.
 */
public interface Progress extends AutoCloseable {
    /** Records {@code n} more units done. */
    void step(long n);

    @Override
    void close();

    /** A progress reporter fit for where the process runs. */
    static Progress start(String task, long total) {
        return System.console() != null ? new ProgressBarProgress(task, total) : new ProgressLog(task, total);
    }

    /** A reporter that reports nothing. */
    static Progress none() {
        return new Progress() {
            @Override
            public void step(long n) {}

            @Override
            public void close() {}
        };
    }
}
