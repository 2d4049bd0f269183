package dev.regula.pipeline.stage.report;

import dev.regula.transfer.tune.Knob;
import dev.regula.transfer.tune.Range;
import dev.regula.transfer.tune.SearchSpace;
import dev.regula.transfer.tune.Selection;
import dev.regula.transfer.tune.TrialResult;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The data of one knob's validation curve, as glmnet's {@code plot.cv.glmnet} shows it: mean CV NLL with
 * ±1 SE against the knob's value, the train NLL beside it, the minimum and the one-SE choice marked.
 *
 * <p>With one searched knob every trial is a point. With several, the curve is a <em>profile</em>: for each
 * value of this knob, the trial with the best mean CV NLL over the other knobs' values (its SE and train
 * NLL are that trial's). Only trials that ran the full budget count (halving's stopped trials were scored
 * on fewer epochs, so their NLLs are not comparable); the user's baseline is shown apart, not on the curve.
 *
 * @param knob the knob on the x axis
 * @param points one per distinct value, ascending
 * @param profile whether other knobs were searched too (then {@code points} is a profile)
 * @param logX whether the x axis is logarithmic
 * @param minimum the trial with the lowest mean CV NLL
 * @param oneSe the one-SE choice (computed here whatever the rule, as glmnet draws both lines)
 * @param threshold min + SE(min)
 * @param baseline the user's configuration's trial when it ran and sets this knob, else null
 */
record KnobCurve(Knob knob, List<Point> points, boolean profile, boolean logX, TrialResult minimum, TrialResult oneSe,
                 double threshold, TrialResult baseline) {

    /** One value of the knob and the trial that stands for it. */
    record Point(double value, TrialResult trial) {
        double cv() {
            return trial.meanValNll();
        }

        double se() {
            return trial.standardError();
        }

        double train() {
            return trial.meanTrainNll();
        }
    }

    /** Knobs whose values span decades (penalties, decay, step sizes, norm bounds): drawn on a log axis. */
    private static final Set<Knob> SCALE_KNOBS = EnumSet.of(Knob.L1, Knob.L2, Knob.ELASTIC_NET_ALPHA, Knob.WEIGHT_DECAY,
            Knob.LEARNING_RATE, Knob.MAX_NORM);

    KnobCurve {
        points = List.copyOf(points);
    }

    /** The curves of every knob searched for one head, in the knobs' declared (selection.json) order. */
    static List<KnobCurve> of(List<TrialResult> trials, Selection selection) {
        List<Knob> knobs = knobs(trials, selection);
        List<KnobCurve> out = new ArrayList<>();
        for (Knob k : knobs) {
            out.add(of(k, knobs, trials, selection));
        }
        return out;
    }

    /** Searched knobs: the verdicts' (one per knob, declared order), else the trials' parameters. */
    static List<Knob> knobs(List<TrialResult> trials, Selection selection) {
        if (!selection.verdicts().isEmpty()) {
            return selection.verdicts().stream().map(v -> v.knob()).toList();
        }
        return trials.stream().filter(t -> !t.config().baseline()).findFirst()
                .map(t -> List.copyOf(t.config().params().keySet())).orElse(List.of());
    }

    static KnobCurve of(Knob k, List<Knob> knobs, List<TrialResult> trials, Selection selection) {
        List<TrialResult> full = trials.stream()
                .filter(t -> t.status() == TrialResult.Status.COMPLETED && !t.config().baseline()).toList();
        Map<Double, TrialResult> best = new TreeMap<>();
        for (TrialResult t : full) {
            Double v = t.config().value(k);
            if (v != null) {
                best.merge(v, t, (a, b) -> better(b, a) ? b : a);
            }
        }
        List<Point> points = best.entrySet().stream().map(e -> new Point(e.getKey(), e.getValue())).toList();
        TrialResult min = selection.minTrial();
        double threshold = min.meanValNll() + min.standardError();
        TrialResult oneSe = oneSe(knobs, trials, selection, threshold);
        TrialResult base = trials.stream().filter(t -> t.config().baseline() && t.config().value(k) != null)
                .findFirst().orElse(null);
        boolean logX = logAxis(k, points, base);
        return new KnobCurve(k, points, knobs.size() > 1, logX, min, oneSe, threshold, base);
    }

    /**
     * The one-SE choice among the selection's eligible trials, ordered as the library orders them
     * ({@link Selection#moreRegularizedFirst}); under {@code rule: one_se} it is the selection's winner.
     */
    private static TrialResult oneSe(List<Knob> knobs, List<TrialResult> trials, Selection selection, double threshold) {
        if (selection.rule() == dev.regula.transfer.tune.TuneSpec.Rule.ONE_SE) {
            return selection.winner();
        }
        // the comparator reads only the knobs and their order; the ranges are stand-ins
        SearchSpace space = new SearchSpace(knobs.stream()
                .map(k -> new SearchSpace.Dim(k, new Range.Choice(List.of(k == Knob.MAX_NORM || k == Knob.LEARNING_RATE
                        ? 1.0 : 0.0))))
                .toList());
        Set<String> eligible = Set.copyOf(selection.eligible());
        return trials.stream().filter(t -> eligible.contains(t.id()) && t.meanValNll() <= threshold)
                .min(Selection.moreRegularizedFirst(space)).orElse(selection.minTrial());
    }

    /** Log x when the knob is a scale (or the values span two decades) and every value shown is positive. */
    private static boolean logAxis(Knob k, List<Point> points, TrialResult base) {
        if (points.isEmpty()) {
            return false;
        }
        double lo = points.get(0).value();
        double hi = points.get(points.size() - 1).value();
        boolean positive = lo > 0 && (base == null || base.config().value(k) > 0);
        return positive && (SCALE_KNOBS.contains(k) || hi / lo >= 100);
    }

    private static boolean better(TrialResult a, TrialResult b) {
        return Comparator.comparingDouble(TrialResult::meanValNll).thenComparing(TrialResult::id).compare(a, b) < 0;
    }

    /** Which way is "more regularized" along the x axis, for the caption. */
    String strongerSide() {
        return switch (knob.direction()) {
            case 1 -> "larger values regularize more";
            case -1 -> "smaller values regularize more (a tighter bound)";
            default -> "this knob has no more-regularized direction";
        };
    }
}
