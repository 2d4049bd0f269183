package dev.regula.transfer.tune;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A trial evaluated at one rung (the only rung for grid, random and path) on every fold.
 *
 * @param config the configuration; {@link TrialConfig#id()} keys it
 * @param rung 0-based rung reached (halving); 0 otherwise
 * @param status how the trial ended
 * @param folds one score per fold, in fold order
 * @param rungs the trial's mean val NLL at every rung it ran, this one last
 * @param oof out-of-fold probabilities {@code [trainValRows][C]} in train-then-val row order from this
 *     rung's fits; a row no fold held out (the train rows under {@code folds: 0}) is null. Not part of
 *     the JSON line; {@link JsonlTrialLog} keeps it in a side file
 */
public record TrialResult(TrialConfig config, int rung, Status status, List<FoldScore> folds, List<RungScore> rungs,
        float[][] oof) {

    /** Where a trial ended. */
    public enum Status {
        /** Ran the full budget (the last rung). */
        COMPLETED,
        /** Stopped by halving after its rung. */
        STOPPED;

        public String jsonName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public TrialResult {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(status, "status");
        folds = List.copyOf(folds);
        rungs = List.copyOf(rungs);
        if (folds.isEmpty()) {
            throw new IllegalArgumentException("a trial result needs at least one fold score");
        }
    }

    public String id() {
        return config.id();
    }

    /** Mean val NLL over folds. */
    public double meanValNll() {
        return folds.stream().mapToDouble(FoldScore::valNll).sum() / folds.size();
    }

    /**
     * Standard error of the mean val NLL: sample standard deviation over folds / √k (as glmnet's
     * {@code cvsd}); 0 with a single fold, where it is unknown.
     */
    public double standardError() {
        int k = folds.size();
        if (k < 2) {
            return 0;
        }
        double mean = meanValNll();
        double ss = 0;
        for (FoldScore f : folds) {
            ss += (f.valNll() - mean) * (f.valNll() - mean);
        }
        return Math.sqrt(ss / (k - 1)) / Math.sqrt(k);
    }

    /** Mean train NLL over folds, at the kept epochs. */
    public double meanTrainNll() {
        return folds.stream().mapToDouble(FoldScore::trainNll).sum() / folds.size();
    }

    /** Val − train NLL (positive when the fit is tighter on its training rows). */
    public double gap() {
        return meanValNll() - meanTrainNll();
    }

    /** Mean over folds of the kept epoch. */
    public double meanBestEpoch() {
        return folds.stream().mapToDouble(FoldScore::bestEpoch).sum() / folds.size();
    }

    /** The same trial with another status (the tuner settles it once halving is over). */
    public TrialResult withStatus(Status s) {
        return new TrialResult(config, rung, s, folds, rungs, oof);
    }
}
