package dev.regula.transfer.tune;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/** {@link TrialRunner#local}: one pool task per stack task, a {@link StackWorker} holding the paused stacks. */
final class LocalTrialRunner implements TrialRunner {
    private final ExecutorService pool;
    private final StackWorker worker = new StackWorker();

    LocalTrialRunner(ExecutorService pool) {
        this.pool = pool;
    }

    @Override
    public void run(StackTask.Context context, List<StackTask> tasks, Consumer<StackTask.Outcome> done) throws IOException {
        List<Future<?>> futures = new ArrayList<>();
        for (StackTask t : tasks) {
            futures.add(pool.submit(() -> {
                done.accept(worker.run(context, t));
                return null;
            }));
        }
        TrialFutures.awaitAll(futures);
    }

    @Override
    public void forget(String key) {
        worker.forget(key);
    }

    @Override
    public void release() {
        worker.closeAll();
    }
}
