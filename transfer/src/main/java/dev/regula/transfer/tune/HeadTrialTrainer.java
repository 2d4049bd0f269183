package dev.regula.transfer.tune;

import dev.regula.transfer.head.HeadSpec;
import dev.regula.transfer.train.HeadTrainer;
import dev.regula.transfer.train.TrainedHead;
import java.util.ArrayList;
import java.util.List;

/** The default {@link TrialTrainer}: one {@link HeadTrainer} run per job, in order, on the calling thread. */
public final class HeadTrialTrainer implements TrialTrainer {

    @Override
    public List<TrialFit> train(Folds.Fold fold, int classes, HeadSpec head, List<Job> jobs) {
        List<TrialFit> out = new ArrayList<>(jobs.size());
        for (Job job : jobs) {
            TrainedHead h = HeadTrainer.train(fold.train(), fold.val(), classes, head, job.regularization(), job.training());
            out.add(new TrialFit(h.history(), h.predictProba(fold.val())));
        }
        return out;
    }
}
