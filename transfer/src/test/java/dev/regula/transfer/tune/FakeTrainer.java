package dev.regula.transfer.tune;

import dev.regula.transfer.head.HeadSpec;
import dev.regula.transfer.train.EpochRecord;
import dev.regula.transfer.train.TrainingHistory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A trial trainer with a known answer and no engine: val NLL at epoch e is
 * {@code 0.3 + 0.05·(log10(l2) + 2)² + 0.5/e + 0.004·e + 0.01·fold}, lowest at l2 = 0.01; train NLL is
 * val − 0.1. Counts calls so tests can check what was (not) trained.
 */
final class FakeTrainer implements TrialTrainer {
    final AtomicInteger jobs = new AtomicInteger();
    final AtomicInteger epochs = new AtomicInteger();

    @Override
    public List<TrialFit> train(Folds.Fold fold, int classes, HeadSpec head, List<Job> batch) {
        List<TrialFit> out = new ArrayList<>();
        for (Job job : batch) {
            jobs.incrementAndGet();
            double l2 = job.regularization().l2();
            double base = 0.3 + 0.05 * Math.pow(Math.log10(Math.max(l2, 1e-6)) + 2, 2) + 0.01 * fold.index();
            List<EpochRecord> records = new ArrayList<>();
            int best = 1;
            double bestLoss = Double.POSITIVE_INFINITY;
            for (int e = 1; e <= job.training().epochs(); e++) {
                epochs.incrementAndGet();
                double val = base + 0.5 / e + 0.004 * e;
                records.add(new EpochRecord(e, 0.01, val, val - 0.1, 0.9, 0.9, val, 0.8, 0.8, 0.1, 0.1, List.of(1.0), 0, 0,
                        List.of(0.0)));
                if (val < bestLoss) {
                    bestLoss = val;
                    best = e;
                }
            }
            float[][] proba = new float[fold.val().rows()][];
            for (int i = 0; i < proba.length; i++) {
                proba[i] = new float[] {0.5f, 0.5f};
            }
            out.add(new TrialFit(new TrainingHistory(records, best, false), proba));
        }
        return out;
    }
}
