package dev.regula.transfer.tune;

import dev.regula.transfer.head.HeadSpec;
import dev.regula.transfer.regularize.RegularizationSpec;
import dev.regula.transfer.train.TrainingHistory;
import dev.regula.transfer.train.TrainingSpec;
import java.util.List;
import java.util.Objects;

/**
 * Trains a batch of trial configurations of one head architecture on one fold. The tuner calls it
 * from {@code threads} worker threads at once, each call on one thread with its own fold and jobs, so
 * implementations must not share mutable state between calls. The default, {@link HeadTrialTrainer},
 * trains one {@code HeadTrainer} run per job; a stacked trainer may train the whole batch as one stack
 * and say so through {@link #batchSize()}.
 */
public interface TrialTrainer {

    /** Jobs per call the tuner should hand over (1 = one head per call). */
    default int batchSize() {
        return 1;
    }

    /**
     * Trains every job on {@code fold.train()} up to epoch {@code job.until()} of a
     * {@code job.training().epochs()}-epoch run (the learning-rate schedule spans the full run), evaluating on
     * {@code fold.val()} every epoch and keeping the weights of the epoch with the lowest val NLL so far
     * ({@code job.regularization()} carries the early-stopping spec that says so). A job with
     * {@code from == null} starts from its seeded initialisation; otherwise it continues {@code from}, a
     * state this trainer returned for the same trial and fold, and must give exactly what an uninterrupted
     * run to {@code until} gives.
     *
     * @return one fit per job, in job order
     */
    List<TrialFit> train(Folds.Fold fold, int classes, HeadSpec head, List<Job> jobs);

    /**
     * A trial paused at an epoch boundary, for a later rung to continue. Owned by the tuner, which
     * closes it once the trial is stopped, finished or continued into a new state.
     */
    interface Paused extends AutoCloseable {
        /** Epochs trained so far. */
        int epochs();

        @Override
        void close();
    }

    /**
     * One configuration to train.
     *
     * @param until the epoch to pause at, {@code 1..training.epochs()}
     * @param from the paused state to continue, or null to start from the seed
     */
    record Job(String trialId, RegularizationSpec regularization, TrainingSpec training, int until, Paused from) {
        public Job {
            Objects.requireNonNull(trialId, "trialId");
            Objects.requireNonNull(regularization, "regularization");
            Objects.requireNonNull(training, "training");
            if (until < 1 || until > training.epochs()) {
                throw new IllegalArgumentException("job " + trialId + ": until " + until + " outside 1.." + training.epochs());
            }
            if (from != null && from.epochs() > until) {
                throw new IllegalArgumentException("job " + trialId + ": cannot continue a run at epoch " + from.epochs()
                        + " to epoch " + until);
            }
        }

        /** A whole run from the seed. */
        public Job(String trialId, RegularizationSpec regularization, TrainingSpec training) {
            this(trialId, regularization, training, training.epochs(), null);
        }
    }

    /**
     * What a trial's training on a fold produced.
     *
     * @param history every epoch so far, with val metrics on the fold's held-out rows; {@code bestEpoch} is the kept one
     * @param valProba probabilities of the kept weights on the fold's held-out rows, {@code [rows][C]}
     * @param paused the state to continue from, or null when the run cannot train further (it reached
     *     its full budget or stopped early) or the trainer cannot pause
     */
    record TrialFit(TrainingHistory history, float[][] valProba, Paused paused) {
        public TrialFit {
            Objects.requireNonNull(history, "history");
            Objects.requireNonNull(valProba, "valProba");
        }

        /** A fit that cannot be continued. */
        public TrialFit(TrainingHistory history, float[][] valProba) {
            this(history, valProba, null);
        }
    }
}
