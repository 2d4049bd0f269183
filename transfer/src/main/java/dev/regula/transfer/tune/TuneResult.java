package dev.regula.transfer.tune;

import dev.regula.transfer.train.TrainedHead;
import java.util.List;

/**
 * What a search produced.
 *
 * @param trials each trial's final record, ordered by id (out-of-fold probabilities included)
 * @param selection the rule's choice and the verdicts
 * @param refit the winner retrained on train+val, or null when refit is off
 * @param folds the folds the trials ran on (its {@code trainVal().labels()} label the out-of-fold rows)
 * @param epochsTrained epochs trained by this run over all trials and folds (resumed trials excluded;
 *     solver iterations for the path)
 */
public record TuneResult(List<TrialResult> trials, Selection selection, TrainedHead refit, Folds folds, long epochsTrained) {
    public TuneResult {
        trials = List.copyOf(trials);
    }
}
