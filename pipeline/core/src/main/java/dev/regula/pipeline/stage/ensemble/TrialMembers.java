package dev.regula.pipeline.stage.ensemble;

import dev.regula.ensemble.Member;
import dev.regula.pipeline.Problem;
import dev.regula.pipeline.RegulaException;
import dev.regula.pipeline.spec.EnsembleConfig;
import dev.regula.pipeline.stage.train.HeadFile;
import dev.regula.pipeline.stage.tune.TrialLibrary;
import dev.regula.transfer.train.TrainedHead;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

/**
 * The members {@code members: {top_trials: N}} takes from the tune stage's completed trials: the N with
 * the lowest mean CV NLL over every tuned head, each trained as its head's winner was (refit on train+val
 * for the epochs its folds chose, or on train with early stopping on val when {@code tune.refit} is
 * off), saved as {@code members/<head>-<trial id>.json} so a rebuild reloads them.
 */
final class TrialMembers {
    private TrialMembers() {
    }

    /** The candidates, in rank order (the winners of heads named beside top_trials left out). */
    static List<TrialLibrary.Candidate> chosen(EnsembleInputs in, EnsembleConfig config) throws RegulaException {
        if (config.topTrials() == 0) {
            return List.of();
        }
        if (in.trials() == null || in.trials().heads().isEmpty()) {
            throw in.key("ensemble.members.top_trials").fail("no head is tuned, so there are no trials "
                    + "to take; give a head a range or regularization: auto (docs/pipeline.md)");
        }
        return in.trials().top(config.topTrials(), new HashSet<>(config.members()));
    }

    static List<Member> train(EnsembleInputs in, EnsembleConfig config, Path dir) throws RegulaException {
        List<TrialLibrary.Candidate> chosen = chosen(in, config);
        List<Member> out = new ArrayList<>();
        for (TrialLibrary.Candidate c : chosen) {
            TrainedHead h;
            try {
                h = in.trials().fit(c, in.split("train"), in.split("val"), in.store().labels().size());
            } catch (IllegalArgumentException e) {
                throw new RegulaException(Problem.atKey("ensemble", "trial member " + c.name() + ": " + e.getMessage()), e);
            }
            try {
                Files.createDirectories(dir);
                HeadFile.save(h, dir.resolve(c.name() + ".json"));
            } catch (IOException e) {
                throw new RegulaException("ensemble: cannot write " + dir + ": " + e.getMessage(), e);
            }
            out.add(Member.of(c.name(), h, in.store().labels(), "seed:" + h.training().seed()));
        }
        if (!out.isEmpty()) {
            in.log().accept("ensemble: trained " + out.size() + " members from the top trials " + out.stream().map(Member::name).toList());
        }
        return out;
    }

    static List<Member> load(EnsembleInputs in, EnsembleConfig config, Path ensembleDir) throws RegulaException {
        List<Member> out = new ArrayList<>();
        for (TrialLibrary.Candidate c : chosen(in, config)) {
            Path f = ensembleDir.resolve(EnsembleStep.MEMBERS).resolve(c.name() + ".json");
            try {
                TrainedHead h = HeadFile.load(f);
                out.add(Member.of(c.name(), h, in.store().labels(), "seed:" + h.training().seed()));
            } catch (IOException | IllegalArgumentException e) {
                throw new RegulaException("cannot reload ensemble member " + f + ": " + e.getMessage() + " (rebuild the ensemble)", e);
            }
        }
        return out;
    }
}
