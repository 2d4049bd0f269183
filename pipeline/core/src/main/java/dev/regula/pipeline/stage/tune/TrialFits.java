package dev.regula.pipeline.stage.tune;

import dev.regula.pipeline.spec.Sections;
import dev.regula.transfer.features.FeatureMatrix;
import dev.regula.transfer.train.EpochRecord;
import dev.regula.transfer.train.HeadTrainer;
import dev.regula.transfer.train.Metrics;
import dev.regula.transfer.train.TrainedHead;
import dev.regula.transfer.train.TrainingHistory;
import dev.regula.transfer.tune.Folds;
import dev.regula.transfer.tune.Knob;
import dev.regula.transfer.tune.Range;
import dev.regula.transfer.tune.Refit;
import dev.regula.transfer.tune.SearchSpace;
import dev.regula.transfer.tune.TrialConfig;
import dev.regula.transfer.tune.TrialResult;
import dev.regula.transfer.tune.TuneRequest;
import dev.regula.transfer.tune.TuneSpec;
import dev.regula.transfer.tune.path.RegularizationPath;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Trains one logged trial's configuration as a model: refit on train+val for the epochs its folds chose
 * ({@link Refit}), or on train with the head's own early stopping on val (as the train stage trains a
 * head). A trial of a regularization path is solved full-batch along its path instead.
 */
final class TrialFits {
    private TrialFits() {
    }

    /**
     * @param h the head (base settings and space)
     * @param strategy the strategy the trials ran with
     * @param trials every logged trial of the head (a path trial's path is rebuilt from them)
     * @param t the trial to train
     * @param refit train+val for {@link Refit#epochs} epochs, else train with early stopping on val
     */
    static TrainedHead fit(Sections.Head h, TuneSpec.Strategy strategy, List<TrialResult> trials, TrialResult t,
            FeatureMatrix train, FeatureMatrix val, int classes, boolean refit) {
        FeatureMatrix trainVal = refit ? Folds.fixed(train, val).trainVal() : null;
        TrainedHead model;
        if (strategy == TuneSpec.Strategy.PATH) {
            TuneRequest req = new TuneRequest(train, val, null, classes, h.head(), h.regularization(), h.training(),
                    h.search().space(), TuneSpec.of(TuneSpec.Strategy.PATH, 0), false, null);
            model = RegularizationPath.refit(refit ? trainVal : train, req, line(h.search().space(), trials, t.config()));
        } else if (refit) {
            model = Refit.train(trainVal, classes, h.head(), h.regularization(), h.training(), t.config(), Refit.epochs(t));
        } else {
            model = HeadTrainer.train(train, val, classes, h.head(), t.config().apply(h.regularization()),
                    t.config().apply(h.training()));
        }
        if (refit) {
            return withCrossValidated(model, t, Folds.fixed(train, val).trainVal().labels());
        }
        return model.history().best().valLoss() == null && val.rows() > 0 ? withVal(model, val) : model;
    }

    /**
     * The trials of {@code winner}'s path, strongest first, down to {@code winner}: those with the same
     * values of the other knobs, as the path strategy solved them (warm start after warm start).
     */
    static List<TrialConfig> line(SearchSpace space, List<TrialResult> trials, TrialConfig winner) {
        Knob path = space.path().knob();
        List<TrialConfig> line = new ArrayList<>();
        for (TrialResult r : trials) {
            TrialConfig c = r.config();
            boolean same = !c.baseline();
            for (SearchSpace.Dim d : space.dims()) {
                if (!(d.range() instanceof Range.Path)) {
                    same &= Objects.equals(c.value(d.knob()), winner.value(d.knob()));
                }
            }
            if (same && c.value(path) >= winner.value(path)) {
                line.add(c);
            }
        }
        line.sort(Comparator.comparing((TrialConfig c) -> c.value(path)).reversed());
        return line;
    }

    /**
     * A refit trained on the val rows, so its own val figures would be in-sample: its kept epoch records
     * its configuration's cross-validated figures instead (mean CV NLL; accuracy and macro-F1 of the
     * out-of-fold predictions), which is what {@code export: best} and the reports then compare.
     */
    static TrainedHead withCrossValidated(TrainedHead h, TrialResult t, int[] trainValLabels) {
        List<float[]> p = new ArrayList<>();
        List<Integer> y = new ArrayList<>();
        float[][] oof = t.oof();
        for (int i = 0; oof != null && i < oof.length; i++) {
            if (oof[i] != null) {
                p.add(oof[i]);
                y.add(trainValLabels[i]);
            }
        }
        Double acc = null;
        Double f1 = null;
        if (!p.isEmpty()) {
            Metrics m = Metrics.of(p.toArray(new float[0][]), y.stream().mapToInt(Integer::intValue).toArray());
            acc = m.accuracy();
            f1 = m.macroF1();
        }
        return withValFigures(h, t.meanValNll(), acc, f1);
    }

    /** A model trained without val figures (a path solve on train) gets them from the val split. */
    private static TrainedHead withVal(TrainedHead h, FeatureMatrix val) {
        Metrics m = Metrics.of(h.predictProba(val), val.labels());
        return withValFigures(h, m.loss(), m.accuracy(), m.macroF1());
    }

    private static TrainedHead withValFigures(TrainedHead h, double loss, Double acc, Double f1) {
        TrainingHistory hist = h.history();
        List<EpochRecord> epochs = new ArrayList<>(hist.epochs());
        EpochRecord b = hist.best();
        epochs.set(hist.bestEpoch() - 1, new EpochRecord(b.epoch(), b.learningRate(), b.trainObjective(), b.trainLoss(),
                b.trainAccuracy(), b.trainMacroF1(), loss, acc, f1, acc == null ? null : b.trainAccuracy() - acc,
                loss - b.trainLoss(), b.weightNorms(), b.zeroFraction(), b.prunedFraction(), b.dropoutRates()));
        return new TrainedHead(h.spec(), h.regularization(), h.training(), h.classes(), h.layers(),
                new TrainingHistory(epochs, hist.bestEpoch(), hist.stoppedEarly()), h.sparsity(), h.dropoutRates());
    }
}
