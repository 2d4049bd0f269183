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
     * Trains every job on {@code fold.train()} from its seeded initialisation for
     * {@code job.training().epochs()} epochs, evaluating on {@code fold.val()} every epoch and keeping the
     * weights of the epoch with the lowest val NLL ({@code job.regularization()} carries the early-stopping
     * spec that says so).
     *
     * @return one fit per job, in job order
     */
    List<TrialFit> train(Folds.Fold fold, int classes, HeadSpec head, List<Job> jobs);

    /** One configuration to train. */
    record Job(String trialId, RegularizationSpec regularization, TrainingSpec training) {
        public Job {
            Objects.requireNonNull(trialId, "trialId");
            Objects.requireNonNull(regularization, "regularization");
            Objects.requireNonNull(training, "training");
        }
    }

    /**
     * What a trial's training on a fold produced.
     *
     * @param history every epoch, with val metrics on the fold's held-out rows; {@code bestEpoch} is the kept one
     * @param valProba probabilities of the kept weights on the fold's held-out rows, {@code [rows][C]}
     */
    record TrialFit(TrainingHistory history, float[][] valProba) {
        public TrialFit {
            Objects.requireNonNull(history, "history");
            Objects.requireNonNull(valProba, "valProba");
        }
    }
}
