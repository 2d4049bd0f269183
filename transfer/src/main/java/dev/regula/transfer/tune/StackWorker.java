package dev.regula.transfer.tune;

import dev.regula.transfer.train.StackListener;
import dev.regula.transfer.train.StackRun;
import dev.regula.transfer.train.TrainedHead;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Executes {@link StackTask}s, keeping each task's stack paused after it so that the next rung's task of the same
 * key continues it. A task whose stack this worker does not hold (first rung, another worker ran the previous
 * rung, a retried task) rebuilds it from the seed and replays the rungs so far: the same starts, advances and
 * drops as an uninterrupted run, hence the same floats ({@link StackedRungs}). Safe for concurrent tasks of
 * different keys.
 */
public final class StackWorker {
    private final Map<String, State> states = new ConcurrentHashMap<>();

    /** A stack paused after rung {@code through}, with each head's epoch count as last reported. */
    private record State(StackRun run, int through, int[] epochs) {
    }

    /** Runs {@code task}: its stack through the current rung, the reported members' scores on its fold. */
    public StackTask.Outcome run(StackTask.Context context, StackTask task) {
        int r = task.rung();
        int n = task.jobs().size();
        State state = states.remove(task.key());
        if (state != null && state.through() >= r) {
            // a stack already past this rung (a task run again): only a replay gives this rung's state
            state.run().close();
            state = null;
        }
        Folds.Fold fold = context.folds().fold(task.fold());
        boolean keep = false;
        try {
            if (state == null) {
                state = new State(StackRun.start(fold.train(), fold.val(), context.classes(), context.head(), context.orderSeed(),
                        task.jobs(), StackListener.NONE), -1, new int[n]);
            }
            StackRun run = state.run();
            for (int i = state.through() + 1; i <= r; i++) {
                if (i > 0) {
                    Set<Integer> kept = new HashSet<>();
                    for (int j = 0; j < n; j++) {
                        if (task.alive().get(i)[j]) {
                            kept.add(j);
                        }
                    }
                    run.retain(kept);
                }
                run.advance(task.epochs()[i]);
            }
            List<TrainedHead> heads = run.results();
            StackTask.Member[] members = new StackTask.Member[n];
            int[] epochs = state.epochs().clone();
            for (int j = 0; j < n; j++) {
                if (!task.alive().get(r)[j]) {
                    continue;
                }
                TrainedHead h = heads.get(j);
                int size = h.history().epochs().size();
                int trained = size - epochs[j];
                epochs[j] = size;
                if (task.report()[j]) {
                    var best = h.history().best();
                    members[j] = new StackTask.Member(best.valLoss(), best.trainLoss(), h.history().bestEpoch(), size, trained,
                            h.predictProba(fold.val()));
                }
            }
            // Kept even when finished: a later rung reads its frozen heads instead of replaying them.
            states.put(task.key(), new State(run, r, epochs));
            keep = true;
            return new StackTask.Outcome(task.key(), task.fold(), Arrays.asList(members));
        } finally {
            if (!keep && state != null) {
                state.run().close();
            }
        }
    }

    /** Closes the stack held for {@code key}, if any. */
    public void forget(String key) {
        State s = states.remove(key);
        if (s != null) {
            s.run().close();
        }
    }

    /** Closes every held stack. */
    public void closeAll() {
        for (var it = states.values().iterator(); it.hasNext();) {
            State s = it.next();
            it.remove();
            s.run().close();
        }
    }
}
