package dev.regula.transfer.tune;

import dev.regula.transfer.head.HeadSpec;
import dev.regula.transfer.train.TrainedHead;
import dev.regula.transfer.train.TrainingRun;
import java.util.ArrayList;
import java.util.List;

/**
 * The default {@link TrialTrainer}: one {@link TrainingRun} per job, in order, on the calling thread.
 * A run that can train further is handed back paused, with its weights, optimizer state and RNG streams,
 * so the next rung continues it exactly. {@link Tuner} recognises this trainer and trains its trials as
 * stacks instead ({@link StackedRungs}); this per-job path serves direct callers.
 */
public final class HeadTrialTrainer implements TrialTrainer {

    @Override
    public List<TrialFit> train(Folds.Fold fold, int classes, HeadSpec head, List<Job> jobs) {
        List<TrialFit> out = new ArrayList<>(jobs.size());
        for (Job job : jobs) {
            PausedRun state = job.from() == null
                    ? new PausedRun(TrainingRun.start(fold.train(), fold.val(), classes, head, job.regularization(), job.training()))
                    : (PausedRun) job.from();
            boolean keep = false;
            try {
                state.run.advance(job.until());
                TrainedHead h = state.run.result();
                keep = !state.run.finished();
                out.add(new TrialFit(h.history(), h.predictProba(fold.val()), keep ? state : null));
            } finally {
                if (!keep) {
                    state.close();
                }
            }
        }
        return out;
    }

    private record PausedRun(TrainingRun run) implements Paused {
        @Override
        public int epochs() {
            return run.epochs();
        }

        @Override
        public void close() {
            run.close();
        }
    }
}
