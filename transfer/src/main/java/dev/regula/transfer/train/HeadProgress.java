package dev.regula.transfer.train;

import dev.regula.transfer.regularize.EarlyStoppingSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * One head's early-stopping state inside a stack: its epoch records, its best epoch and that
 * epoch's weights, and whether it has stopped. A stopped head is frozen (its updates are masked)
 * while the rest of the stack trains on.
 */
final class HeadProgress {
    private final EarlyStoppingSpec es;
    private final int epochs;
    private final List<EpochRecord> records = new ArrayList<>();
    private double bestScore = Double.NaN;
    private int bestEpoch;
    private List<float[]> bestSnapshot;
    private boolean stopped;
    private boolean stoppedEarly;

    HeadProgress(EarlyStoppingSpec es, int epochs) {
        this.es = es;
        this.epochs = epochs;
    }

    boolean stopped() {
        return stopped;
    }

    /**
     * Records epoch {@code epoch} and decides as the single-head trainer did: returns true when this
     * epoch is the new best and its weights must be kept (call {@link #keep} with them).
     */
    boolean afterEpoch(EpochRecord record) {
        records.add(record);
        int epoch = record.epoch();
        if (es == null) {
            bestEpoch = epoch;
            stopped = epoch >= epochs;
            return false;
        }
        double score = switch (es.metric()) {
            case VAL_LOSS -> record.valLoss();
            case VAL_ACCURACY -> record.valAccuracy();
            case VAL_MACRO_F1 -> record.valMacroF1();
        };
        if (bestSnapshot == null || es.improves(score, bestScore)) {
            bestScore = score;
            bestEpoch = epoch;
            stopped = epoch >= epochs;
            return true;
        }
        if (epoch - bestEpoch >= es.patience()) {
            stoppedEarly = epoch < epochs;
            stopped = true;
        } else {
            stopped = epoch >= epochs;
        }
        return false;
    }

    /** Keeps a copy of the weights of the epoch just recorded. */
    void keep(List<float[]> snapshot) {
        bestSnapshot = snapshot;
    }

    /** The best epoch's weights, or null when the last weights are kept (no early stopping). */
    List<float[]> bestSnapshot() {
        return bestSnapshot;
    }

    TrainingHistory history() {
        return new TrainingHistory(records, bestEpoch, stoppedEarly);
    }
}
