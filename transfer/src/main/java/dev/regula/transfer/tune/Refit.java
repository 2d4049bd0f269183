package dev.regula.transfer.tune;

import dev.regula.transfer.features.FeatureMatrix;
import dev.regula.transfer.head.HeadSpec;
import dev.regula.transfer.regularize.RegularizationSpec;
import dev.regula.transfer.train.HeadTrainer;
import dev.regula.transfer.train.TrainedHead;
import dev.regula.transfer.train.TrainingSpec;

/**
 * Retrains the selected configuration on train+val.
 *
 * <p>Epochs: {@code max(1, round(mean over folds of the kept epoch))}, the same number of passes
 * the folds found best, not the same number of optimizer steps. With a fixed batch size a pass over
 * train+val has {@code k/(k−1)} times the steps of a pass over a fold's training part, and that is
 * intended: more data overfits later, so the best number of passes is roughly independent of the data
 * size while the best number of steps is not (the convention of scikit-learn's and Keras' "refit on
 * everything for the chosen epochs"). Scaling the epochs by the size ratio as well would count the
 * extra data twice. The refit has no val split, so early stopping is off.
 */
public final class Refit {
    private Refit() {}

    /** The refit's epochs for a trial (see the class comment). */
    public static int epochs(TrialResult winner) {
        return (int) Math.max(1, Math.round(winner.meanBestEpoch()));
    }

    /** Trains the winner's configuration on all of {@code trainVal} for {@code epochs}. */
    public static TrainedHead train(FeatureMatrix trainVal, int classes, HeadSpec head, RegularizationSpec base,
            TrainingSpec training, TrialConfig winner, int epochs) {
        RegularizationSpec reg = winner.apply(base).toBuilder().earlyStopping(null).build();
        TrainingSpec spec = winner.apply(training).withEpochs(epochs);
        return HeadTrainer.train(trainVal, null, classes, head, reg, spec);
    }
}
