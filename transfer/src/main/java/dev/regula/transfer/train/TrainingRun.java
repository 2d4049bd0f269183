package dev.regula.transfer.train;

import dev.regula.transfer.features.FeatureMatrix;
import dev.regula.transfer.head.HeadSpec;
import dev.regula.transfer.head.LayerWeights;
import dev.regula.transfer.regularize.RegularizationSpec;
import java.util.List;

/**
 * One {@link HeadTrainer} run that can be paused at an epoch boundary and continued later, from any
 * thread: successive halving trains a trial to a rung's budget, decides, and continues the survivors
 * instead of retraining them. It is a {@link StackRun} of one head whose seed also orders the batches,
 * so {@code advance(a); advance(b)} computes exactly what {@code advance(b)} alone does, bit for bit, and
 * the learning-rate schedule always spans {@code spec.epochs()}: a run paused at epoch e is the first e
 * epochs of the full run, not a shorter run of its own.
 *
 * <p>Native memory: as {@link StackRun}'s; a paused run holds little more than its parameters.
 */
public final class TrainingRun implements AutoCloseable {
    private final StackRun stack;

    private TrainingRun(StackRun stack) {
        this.stack = stack;
    }

    /** Starts a run from the seeded initialisation ({@code initial} null) or from {@code initial} weights. */
    static TrainingRun start(FeatureMatrix train, FeatureMatrix val, int classes, HeadSpec head, RegularizationSpec reg,
            TrainingSpec spec, StepListener listener, List<LayerWeights> initial) {
        HeadJob job = HeadJob.of(reg, spec);
        if (initial != null) {
            job = job.withInitial(initial);
        }
        return new TrainingRun(StackRun.start(train, val, classes, head, spec.seed(), List.of(job),
                (epoch, step, net) -> listener.afterStep(epoch, step, net.head(0))));
    }

    /**
     * Starts a run from the seeded initialisation; nothing is trained until {@link #advance}.
     * {@code spec.epochs()} is the full budget (it sets the learning-rate schedule's span).
     */
    public static TrainingRun start(FeatureMatrix train, FeatureMatrix val, int classes, HeadSpec head,
            RegularizationSpec reg, TrainingSpec spec) {
        return start(train, val, classes, head, reg, spec, StepListener.NONE, null);
    }

    /** Epochs trained so far. */
    public int epochs() {
        return stack.epochs();
    }

    /** Whether the run cannot train further: early stopping ended it or it reached {@code spec.epochs()}. */
    public boolean finished() {
        return stack.finished();
    }

    /**
     * Trains up to epoch {@code min(until, spec.epochs())}, or less if early stopping ends the run; a
     * no-op when that epoch is already reached or the run has finished.
     *
     * @return the epochs trained by this call
     */
    public int advance(int until) {
        return stack.advance(until);
    }

    /**
     * The head as of now: the kept epoch's weights (the best so far under early stopping, else the
     * latest) and the history so far. The run itself is left as it was, so it can continue.
     */
    public TrainedHead result() {
        return stack.results().get(0);
    }

    @Override
    public void close() {
        stack.close();
    }
}
