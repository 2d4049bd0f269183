package dev.regula.transfer.tune;

import dev.regula.transfer.head.HeadSpec;
import dev.regula.transfer.train.HeadJob;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * One unit of a stacked rung ({@link StackedRungs}): a group's stack on one fold, taken through the rungs so
 * far. A task is a pure function of its {@link Context} and its own fields, so it can run on any worker (a
 * local thread, a Spark executor) and, if it dies, be run again with the same result.
 *
 * @param key the group and fold ({@code <tag><group>@<fold>}); a worker that still holds this key's stack
 *     paused at an earlier rung continues it instead of replaying it from the seed
 * @param fold the fold index
 * @param jobs one per group member, in group order
 * @param epochs the epoch budget of every rung so far, the current one last
 * @param alive per rung so far, which members train in it
 * @param report the members whose scores this rung needs (alive now and not already logged)
 */
public record StackTask(String key, int fold, List<HeadJob> jobs, int[] epochs, List<boolean[]> alive, boolean[] report) {
    public StackTask {
        Objects.requireNonNull(key, "key");
        jobs = List.copyOf(jobs);
        epochs = epochs.clone();
        alive = List.copyOf(alive);
        report = report.clone();
        if (epochs.length == 0 || alive.size() != epochs.length) {
            throw new IllegalArgumentException("task " + key + ": " + epochs.length + " rung budgets for " + alive.size()
                    + " alive masks");
        }
        for (boolean[] a : alive) {
            if (a.length != jobs.size()) {
                throw new IllegalArgumentException("task " + key + ": an alive mask has " + a.length + " entries for "
                        + jobs.size() + " jobs");
            }
        }
        if (report.length != jobs.size()) {
            throw new IllegalArgumentException("task " + key + ": report has " + report.length + " entries for " + jobs.size()
                    + " jobs");
        }
    }

    /** The index of the current rung. */
    public int rung() {
        return epochs.length - 1;
    }

    /**
     * What every task of one search shares: the folds, the head architecture, the classes and the seed of the
     * stacks' batch order.
     */
    public record Context(Folds folds, HeadSpec head, int classes, long orderSeed) {
        public Context {
            Objects.requireNonNull(folds, "folds");
            Objects.requireNonNull(head, "head");
        }
    }

    /**
     * A member's result on the task's fold at the current rung.
     *
     * @param trained epochs this task trained for it (replayed epochs included)
     * @param valProba probabilities of its kept weights on the fold's held-out rows
     */
    public record Member(double valNll, double trainNll, int bestEpoch, int epochs, int trained, float[][] valProba)
            implements Serializable {
        public Member {
            Objects.requireNonNull(valProba, "valProba");
        }
    }

    /**
     * A task's result: per group member, its {@link Member}, or null for one not reported.
     * Serializable, plain data, so that a remote worker can send it back.
     */
    public record Outcome(String key, int fold, List<Member> members) implements Serializable {
        public Outcome {
            Objects.requireNonNull(key, "key");
            // nulls allowed (members not reported), so not List.copyOf
            members = Collections.unmodifiableList(new ArrayList<>(members));
        }
    }
}
