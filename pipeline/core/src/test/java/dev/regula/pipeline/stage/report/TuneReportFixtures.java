package dev.regula.pipeline.stage.report;

import dev.regula.transfer.tune.FoldScore;
import dev.regula.transfer.tune.Knob;
import dev.regula.transfer.tune.Range;
import dev.regula.transfer.tune.RungScore;
import dev.regula.transfer.tune.SearchSpace;
import dev.regula.transfer.tune.Selection;
import dev.regula.transfer.tune.TrialConfig;
import dev.regula.transfer.tune.TrialResult;
import dev.regula.transfer.tune.TuneJson;
import dev.regula.transfer.tune.TuneSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Hand-made tune results with known answers, written as the tune stage writes them (through the library's
 * {@link TuneJson} and {@link Selection#toJson}).
 */
public final class TuneReportFixtures {
    /** Fold offsets around a trial's mean: they sum to 0, so the mean is exact; SE = spread · √(10/4) / √5. */
    private static final double[] OFFSETS = {-2, -1, 0, 1, 2};
    static final double SPREAD = 0.01;
    static final double SE = SPREAD * Math.sqrt(10.0 / 4) / Math.sqrt(5);

    /** An L2 path: U-shaped CV NLL, minimum at 0.1, the 1-SE choice at 1 (0.205 ≤ 0.20 + SE). */
    static final List<Double> L2_VALUES = List.of(1e-4, 1e-3, 1e-2, 1e-1, 1.0, 10.0);
    static final double[] L2_CV = {0.30, 0.25, 0.21, 0.20, 0.205, 0.30};
    static final double[] L2_TRAIN = {0.05, 0.08, 0.12, 0.16, 0.19, 0.29};

    private TuneReportFixtures() {
    }

    public static TrialResult trial(Map<Knob, Double> params, boolean baseline, double mean, double train,
            TrialResult.Status status, List<RungScore> rungs) {
        List<FoldScore> folds = new ArrayList<>();
        for (int f = 0; f < OFFSETS.length; f++) {
            folds.add(new FoldScore(f, mean + SPREAD * OFFSETS[f], train, 7, 10));
        }
        List<RungScore> r = rungs.isEmpty() ? List.of(new RungScore(0, 10, mean)) : rungs;
        return new TrialResult(new TrialConfig(params, 1, baseline), r.size() - 1, status, folds, r, null);
    }

    /** The L2 path's trials plus a baseline at l2 = 1e-4 (the configured, under-regularized setting). */
    public static List<TrialResult> l2Trials() {
        List<TrialResult> out = new ArrayList<>();
        for (int i = 0; i < L2_VALUES.size(); i++) {
            out.add(trial(Map.of(Knob.L2, L2_VALUES.get(i)), false, L2_CV[i], L2_TRAIN[i], TrialResult.Status.COMPLETED,
                    List.of()));
        }
        out.add(trial(Map.of(Knob.L2, 1e-4), true, 0.30, 0.05, TrialResult.Status.COMPLETED, List.of()));
        return out;
    }

    public static Selection select(TuneSpec.Rule rule, SearchSpace space, List<TrialResult> trials, Integer refit) {
        List<TrialResult> eligible = trials.stream().filter(t -> t.status() == TrialResult.Status.COMPLETED).toList();
        List<TrialResult> searched = trials.stream().filter(t -> !t.config().baseline()).toList();
        TrialResult base = trials.stream().filter(t -> t.config().baseline()).findFirst().orElse(null);
        return Selection.select(rule, space, eligible, searched, base, refit);
    }

    public static SearchSpace l2Space() {
        return SearchSpace.of(new SearchSpace.Dim(Knob.L2, new Range.Path(6)));
    }

    /**
     * A halving search over dropout.rate × weight_decay (3 × 3), rungs of 2 and 6 epochs: four trials ran the full
     * budget (all of weight_decay 1e-2, and 0.5 × 1e-3), five were stopped after the first rung. The best full trial,
     * 0.5 × 1e-2, sits at the highest value searched of both knobs.
     */
    public static List<TrialResult> halvingTrials() {
        double[] rates = {0.0, 0.25, 0.5};
        double[] decays = {1e-4, 1e-3, 1e-2};
        List<TrialResult> out = new ArrayList<>();
        for (int i = 0; i < rates.length; i++) {
            for (int j = 0; j < decays.length; j++) {
                Map<Knob, Double> p = new LinkedHashMap<>();
                p.put(Knob.DROPOUT_RATE, rates[i]);
                p.put(Knob.WEIGHT_DECAY, decays[j]);
                double first = 0.40 - 0.02 * i - 0.03 * j;
                boolean full = j == 2 || (i == 2 && j == 1);
                double last = first - 0.08 - 0.01 * j;
                List<RungScore> rungs = full ? List.of(new RungScore(0, 2, first), new RungScore(1, 6, last))
                        : List.of(new RungScore(0, 2, first));
                out.add(trial(p, false, full ? last : first, (full ? last : first) - 0.1,
                        full ? TrialResult.Status.COMPLETED : TrialResult.Status.STOPPED, rungs));
            }
        }
        return out;
    }

    public static SearchSpace halvingSpace() {
        return SearchSpace.of(new SearchSpace.Dim(Knob.DROPOUT_RATE, new Range.Choice(List.of(0.0, 0.25, 0.5))),
                new SearchSpace.Dim(Knob.WEIGHT_DECAY, new Range.Choice(List.of(1e-4, 1e-3, 1e-2))));
    }

    /** A tune folder with one sub-folder per tuned head: an L2 path (linear) and a halving search (mlp). */
    public static Path twoHeads(Path dir) throws IOException {
        List<TrialResult> l2 = l2Trials();
        write(dir.resolve("linear"), l2, select(TuneSpec.Rule.ONE_SE, l2Space(), l2, null));
        List<TrialResult> h = halvingTrials();
        write(dir.resolve("mlp"), h, select(TuneSpec.Rule.ONE_SE, halvingSpace(), h, 6));
        Files.createDirectories(dir.resolve("mlp/oof")); // not a head: the reader skips it
        return dir;
    }

    /** Writes {@code trials.jsonl} and {@code selection.json} into {@code dir}, as the tune stage does. */
    public static Path write(Path dir, List<TrialResult> trials, Selection s) throws IOException {
        Files.createDirectories(dir);
        StringBuilder lines = new StringBuilder();
        trials.forEach(t -> lines.append(TuneJson.trialLine(t)).append('\n'));
        Files.writeString(dir.resolve(TuneFolder.TRIALS), lines);
        Files.writeString(dir.resolve(TuneFolder.SELECTION), s.toJson());
        return dir;
    }
}
