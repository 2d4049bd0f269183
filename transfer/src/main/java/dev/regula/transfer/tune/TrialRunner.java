package dev.regula.transfer.tune;

import java.io.IOException;
import java.util.List;
import java.util.function.Consumer;

/**
 * Where the stacked trials of a search train: the tuner forms each rung's {@link StackTask}s (the groups depend
 * only on the spec and the seed) and a runner executes them, on a local thread pool ({@link Tuner}'s default)
 * or on another engine (the Spark adapter runs one job per rung). Whatever the runner, a task's outcome is the
 * same, so the trials, the winner and the bytes written do not depend on it.
 *
 * <p>Only the default trainer's stacked path ({@link HeadTrialTrainer}) goes through a runner; the path strategy
 * and other trainers run in the calling JVM.
 */
public interface TrialRunner {

    /**
     * Runs {@code tasks} (independent of each other) and hands each outcome to {@code done}, in any order and
     * from any thread, before returning; a failed task fails the call.
     */
    void run(StackTask.Context context, List<StackTask> tasks, Consumer<StackTask.Outcome> done) throws IOException;

    /** A group's stack on a fold will not be continued (all its alive trials are in the log); may free it. */
    default void forget(String key) {
    }

    /** The search (or its main part, before the baseline) is over: paused stacks may be freed. */
    default void release() {
    }

    /** Runs tasks on {@code pool}'s threads with a {@link StackWorker} in this JVM. */
    static TrialRunner local(java.util.concurrent.ExecutorService pool) {
        return new LocalTrialRunner(pool);
    }
}
