package dev.regula.transfer.tune;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/** Waiting for a rung's trial tasks, shared by the one-head-per-task rungs and the local stack runner. */
final class TrialFutures {
    private TrialFutures() {}

    /**
     * Waits for every task in order and rethrows the first failure as the task threw it: a trial log
     * that could not be written as its {@link IOException}, an unchecked exception as itself, anything
     * else wrapped. An interrupt is restored on the thread and ends the wait.
     */
    static void awaitAll(List<? extends Future<?>> futures) throws IOException {
        for (Future<?> fu : futures) {
            try {
                fu.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("tuning was interrupted", e);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof UncheckedIOException u) {
                    throw u.getCause();
                }
                if (cause instanceof RuntimeException r) {
                    throw r;
                }
                throw new IllegalStateException("a trial failed", cause);
            }
        }
    }
}
