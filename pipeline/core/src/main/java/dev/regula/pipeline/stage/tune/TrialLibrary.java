package dev.regula.pipeline.stage.tune;

import com.fasterxml.jackson.databind.JsonNode;
import dev.regula.pipeline.RegulaException;
import dev.regula.pipeline.spec.Sections;
import dev.regula.transfer.features.FeatureMatrix;
import dev.regula.transfer.train.TrainedHead;
import dev.regula.transfer.tune.OutOfFold;
import dev.regula.transfer.tune.TrialResult;
import dev.regula.transfer.tune.TuneJson;
import dev.regula.transfer.tune.TuneSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The completed trials of a tune output as a model library (Caruana et al. 2004: the models a search
 * trained are the ensemble's candidates): ranked by mean CV NLL across every tuned head, each trainable
 * as a member the way its head's winner was (refit on train+val, or on train with early stopping), and
 * each with held-out predictions on the val rows, its out-of-fold ones, on which a combiner may be
 * fitted without having seen them.
 */
public final class TrialLibrary {
    /** One completed trial: {@code <head>-<trial id>} is its member name. */
    public record Candidate(String head, TrialResult trial) {
        public String name() {
            return head + "-" + trial.id();
        }
    }

    private final Map<String, Sections.Head> heads = new LinkedHashMap<>();
    private final Map<String, TuneSpec.Strategy> strategies = new LinkedHashMap<>();
    private final Map<String, List<TrialResult>> trials = new LinkedHashMap<>();
    private final Map<String, String> winners = new LinkedHashMap<>();
    private final boolean refit;

    private TrialLibrary(boolean refit) {
        this.refit = refit;
    }

    /**
     * Reads a tune output ({@link TuneStep}'s files) for the tuned ones of {@code specHeads}.
     *
     * @param refit whether the heads' winners were refit on train+val (then so are the members)
     */
    public static TrialLibrary read(Path tuneDir, List<Sections.Head> specHeads, boolean refit) throws RegulaException {
        TrialLibrary lib = new TrialLibrary(refit);
        Map<String, JsonNode> summary = TuneStep.summary(tuneDir);
        for (Sections.Head h : specHeads) {
            JsonNode s = summary.get(h.name());
            if (!h.tuned() || s == null) {
                continue;
            }
            Path dir = tuneDir.resolve(h.name());
            List<TrialResult> list = new ArrayList<>();
            try {
                for (String line : Files.readAllLines(dir.resolve(TuneStep.TRIALS))) {
                    if (line.isBlank()) {
                        continue;
                    }
                    TrialResult r = TuneJson.parseTrial(line);
                    Path oof = dir.resolve(TuneStep.OOF).resolve(r.id() + ".f32");
                    float[][] p = Files.isRegularFile(oof) ? OutOfFold.read(oof) : null;
                    list.add(new TrialResult(r.config(), r.rung(), r.status(), r.folds(), r.rungs(), p));
                }
            } catch (IOException | IllegalArgumentException e) {
                throw new RegulaException("cannot read the trials of tuned head '" + h.name() + "' in " + dir + ": "
                        + e.getMessage(), e);
            }
            lib.heads.put(h.name(), h);
            lib.strategies.put(h.name(), TuneSpec.Strategy.of(s.get("strategy").asText()));
            lib.trials.put(h.name(), list);
            lib.winners.put(h.name(), s.get("winner").asText());
        }
        return lib;
    }

    /** The tuned heads' names. */
    public Set<String> heads() {
        return heads.keySet();
    }

    /**
     * The {@code n} completed searched trials with the lowest mean CV NLL over every tuned head (ties: head,
     * then trial id), leaving out the winners of {@code named} heads, which are members already.
     */
    public List<Candidate> top(int n, Set<String> named) {
        List<Candidate> all = new ArrayList<>();
        trials.forEach((head, list) -> {
            for (TrialResult r : list) {
                if (r.status() == TrialResult.Status.COMPLETED && !r.config().baseline() && r.oof() != null
                        && !(named.contains(head) && r.id().equals(winners.get(head)))) {
                    all.add(new Candidate(head, r));
                }
            }
        });
        all.sort(Comparator.comparingDouble((Candidate c) -> c.trial().meanValNll()).thenComparing(Candidate::head)
                .thenComparing(c -> c.trial().id()));
        return all.subList(0, Math.min(n, all.size()));
    }

    /** Trains a candidate as its head's winner was trained: refit on train+val, or on train with early stopping on val. */
    public TrainedHead fit(Candidate c, FeatureMatrix train, FeatureMatrix val, int classes) {
        return TrialFits.fit(heads.get(c.head()), strategies.get(c.head()), trials.get(c.head()), c.trial(), train, val,
                classes, refit);
    }

    /**
     * Held-out probabilities on the val rows for a member trained on them: a tuned head's refit (by the
     * head's name, its winner's) or a refit candidate (by its member name), taken from their out-of-fold
     * predictions; null for any other member, and for every member when nothing was refit (their val rows
     * were held out already).
     *
     * @param trainRows rows of the train split (the out-of-fold rows are train rows, then val rows)
     */
    public float[][] heldOutVal(String member, int trainRows, int valRows) {
        if (!refit) {
            return null;
        }
        TrialResult t = null;
        for (Map.Entry<String, List<TrialResult>> e : trials.entrySet()) {
            for (TrialResult r : e.getValue()) {
                if (member.equals(e.getKey()) && r.id().equals(winners.get(e.getKey()))
                        || member.equals(e.getKey() + "-" + r.id())) {
                    t = r;
                }
            }
        }
        if (t == null || t.oof() == null || t.oof().length != trainRows + valRows) {
            return null;
        }
        float[][] out = new float[valRows][];
        for (int i = 0; i < valRows; i++) {
            out[i] = t.oof()[trainRows + i];
            if (out[i] == null) {
                return null;
            }
        }
        return out;
    }
}
