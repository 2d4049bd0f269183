package dev.regula.transfer.tune;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The choice among trials, and the verdicts.
 *
 * <p><b>Rules.</b> {@code min}: the lowest mean CV NLL (ties by id). {@code one_se} (glmnet's
 * {@code lambda.1se}): among trials whose mean is at most {@code min + SE(min)}, the most regularized.
 * "More regularized" compares the ordered knobs ({@link Knob#direction()} ≠ 0) lexicographically in the
 * space's declared order: the trial with the stronger value of the first knob wins, on a tie the second
 * knob decides, and so on; unordered knobs (learning_rate, l1_ratio) are skipped; remaining ties go to
 * the lower mean, then the lower id. An unset value (a baseline without max_norm) counts as the weakest.
 * With a single fold (the fixed val split) the SE is 0, so one_se reduces to min.
 *
 * <p><b>Verdicts</b>, per knob, judge a reference trial: the user's baseline when the tuner ran one
 * (so a hand-written setting is told whether it was good), else the selected trial. Among all
 * eligible trials (any values of the other knobs), if the best one stronger on this knob beats the
 * reference by more than the reference's SE, the knob is {@code under}-regularized; if the best weaker
 * one does, {@code over}; both: the larger improvement wins; neither: {@code about_right}. {@code edge}
 * flags a selected value at the lowest or highest value searched, where widening the range may help.
 *
 * @param rule the rule applied
 * @param winner the selected trial
 * @param minTrial the trial with the lowest mean CV NLL
 * @param threshold min + SE(min): the one-SE bound
 * @param eligible ids of the trials the rule chose among (halving: those that ran the full budget)
 * @param verdicts one per searched knob, in declared order
 * @param refitEpochs epochs for the refit (see {@link Refit#epochs}); null for the full-batch path solver
 */
public record Selection(TuneSpec.Rule rule, TrialResult winner, TrialResult minTrial, double threshold,
        List<String> eligible, List<Verdict> verdicts, Integer refitEpochs) {

    public Selection {
        eligible = List.copyOf(eligible);
        verdicts = List.copyOf(verdicts);
    }

    /**
     * Applies {@code rule} to {@code eligible} and judges every knob.
     *
     * @param searched every trial of the search (for the edges: the values tried per knob), baseline excluded
     * @param baseline the user's configuration's trial, or null
     */
    public static Selection select(TuneSpec.Rule rule, SearchSpace space, List<TrialResult> eligible,
            List<TrialResult> searched, TrialResult baseline, Integer refitEpochs) {
        if (eligible.isEmpty()) {
            throw new IllegalArgumentException("no trial finished: nothing to select");
        }
        TrialResult min = eligible.stream()
                .min(Comparator.comparingDouble(TrialResult::meanValNll).thenComparing(TrialResult::id)).orElseThrow();
        double threshold = min.meanValNll() + min.standardError();
        TrialResult winner = rule == TuneSpec.Rule.MIN ? min : eligible.stream()
                .filter(t -> t.meanValNll() <= threshold)
                .min(moreRegularizedFirst(space))
                .orElseThrow();
        List<Verdict> verdicts = new ArrayList<>();
        TrialResult reference = baseline != null ? baseline : winner;
        for (SearchSpace.Dim d : space.dims()) {
            verdicts.add(verdict(d.knob(), reference, winner, eligible, searched));
        }
        return new Selection(rule, winner, min, threshold, eligible.stream().map(TrialResult::id).sorted().toList(),
                verdicts, refitEpochs);
    }

    /** Orders trials most regularized first (the one-SE order; see the class comment). */
    public static Comparator<TrialResult> moreRegularizedFirst(SearchSpace space) {
        Comparator<TrialResult> c = (a, b) -> 0;
        for (Knob k : space.knobs()) {
            if (k.ordered()) {
                c = c.thenComparing(t -> strength(k, t.config().value(k)), Comparator.reverseOrder());
            }
        }
        return c.thenComparingDouble(TrialResult::meanValNll).thenComparing(TrialResult::id);
    }

    /** Direction-adjusted value: larger = more regularized; unset = weakest. */
    static double strength(Knob k, Double v) {
        return v == null ? Double.NEGATIVE_INFINITY : k.direction() * v;
    }

    private static Verdict verdict(Knob k, TrialResult ref, TrialResult winner, List<TrialResult> eligible,
            List<TrialResult> searched) {
        Double refValue = ref.config().value(k);
        double refMean = ref.meanValNll();
        double se = ref.standardError();
        TrialResult stronger = null;
        TrialResult weaker = null;
        if (k.ordered()) {
            double rs = strength(k, refValue);
            for (TrialResult t : eligible) {
                if (t.id().equals(ref.id())) {
                    continue;
                }
                double s = strength(k, t.config().value(k));
                if (s > rs && (stronger == null || better(t, stronger))) {
                    stronger = t;
                } else if (s < rs && (weaker == null || better(t, weaker))) {
                    weaker = t;
                }
            }
        }
        double gainStronger = stronger == null ? Double.NEGATIVE_INFINITY : refMean - stronger.meanValNll();
        double gainWeaker = weaker == null ? Double.NEGATIVE_INFINITY : refMean - weaker.meanValNll();
        Verdict.Kind kind;
        if (!k.ordered()) {
            kind = Verdict.Kind.NOT_ORDERED;
        } else if (gainStronger > se && gainStronger >= gainWeaker) {
            kind = Verdict.Kind.UNDER;
        } else if (gainWeaker > se) {
            kind = Verdict.Kind.OVER;
        } else {
            kind = Verdict.Kind.ABOUT_RIGHT;
        }
        Verdict.Edge edge = edge(k, winner, searched);
        return new Verdict(k, kind, ref.id(), refValue, refMean, se,
                stronger == null ? Double.NaN : stronger.meanValNll(), stronger == null ? null : stronger.config().value(k),
                weaker == null ? Double.NaN : weaker.meanValNll(), weaker == null ? null : weaker.config().value(k),
                edge, ref.gap(), winner.gap(), advice(k, kind, edge, refValue, stronger, weaker, ref, winner));
    }

    private static boolean better(TrialResult a, TrialResult b) {
        return a.meanValNll() < b.meanValNll() || (a.meanValNll() == b.meanValNll() && a.id().compareTo(b.id()) < 0);
    }

    private static Verdict.Edge edge(Knob k, TrialResult winner, List<TrialResult> searched) {
        Double v = winner.config().value(k);
        List<Double> tried = searched.stream().map(t -> t.config().value(k)).filter(x -> x != null).distinct().toList();
        if (v == null || tried.size() < 2) {
            return Verdict.Edge.NONE;
        }
        double lo = tried.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        double hi = tried.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        return v <= lo ? Verdict.Edge.LOWEST : v >= hi ? Verdict.Edge.HIGHEST : Verdict.Edge.NONE;
    }

    private static String advice(Knob k, Verdict.Kind kind, Verdict.Edge edge, Double refValue, TrialResult stronger,
            TrialResult weaker, TrialResult ref, TrialResult winner) {
        String v = refValue == null ? "unset" : fmt(refValue);
        String s = switch (kind) {
            case UNDER -> k.path() + " = " + v + " is under-regularized: " + fmt(stronger.config().value(k))
                    + " improves CV NLL by " + fmt(ref.meanValNll() - stronger.meanValNll()) + " (> 1 SE = "
                    + fmt(ref.standardError()) + ")";
            case OVER -> k.path() + " = " + v + " is over-regularized: " + fmt(weaker.config().value(k))
                    + " improves CV NLL by " + fmt(ref.meanValNll() - weaker.meanValNll()) + " (> 1 SE = "
                    + fmt(ref.standardError()) + ")";
            case ABOUT_RIGHT -> k.path() + " = " + v + " is about right (no setting beats it by more than 1 SE = "
                    + fmt(ref.standardError()) + ")";
            case NOT_ORDERED -> k.path() + " has no more-regularized direction; selected "
                    + fmt(winner.config().value(k));
        };
        s += "; train/val NLL gap " + fmt(ref.gap());
        if (edge != Verdict.Edge.NONE) {
            boolean towardStronger = (edge == Verdict.Edge.HIGHEST) == (k.direction() >= 0);
            s += "; selected value " + fmt(winner.config().value(k)) + " is the " + edge.jsonName()
                    + " searched: widen the range" + (k.ordered() ? " toward " + (towardStronger ? "stronger" : "weaker")
                    + " settings" : "");
        }
        return s;
    }

    static String fmt(Double v) {
        return v == null ? "unset" : String.format(Locale.ROOT, "%.4g", v);
    }

    /** {@code selection.json}: rule, winner, min, SE, threshold, verdicts, refit epochs; fixed key order. */
    public String toJson() {
        ObjectNode o = TuneJson.MAPPER.createObjectNode();
        o.put("rule", rule.yamlName());
        o.put("winner", winner.id());
        o.set("winner_params", TuneJson.params(winner.config()));
        TuneJson.num(o, "winner_mean_val_nll", winner.meanValNll());
        TuneJson.num(o, "winner_se", winner.standardError());
        TuneJson.num(o, "winner_gap", winner.gap());
        o.put("min_trial", minTrial.id());
        o.set("min_params", TuneJson.params(minTrial.config()));
        TuneJson.num(o, "min_mean_val_nll", minTrial.meanValNll());
        TuneJson.num(o, "min_se", minTrial.standardError());
        TuneJson.num(o, "threshold", threshold);
        if (refitEpochs == null) {
            o.putNull("refit_epochs");
        } else {
            o.put("refit_epochs", refitEpochs);
        }
        o.put("eligible_trials", eligible.size());
        ArrayNode vs = o.putArray("verdicts");
        for (Verdict v : verdicts) {
            ObjectNode n = vs.addObject();
            n.put("knob", v.knob().path());
            n.put("verdict", v.kind().jsonName());
            n.put("reference", v.referenceId());
            TuneJson.num(n, "reference_value", v.referenceValue() == null ? Double.NaN : v.referenceValue());
            TuneJson.num(n, "reference_mean_val_nll", v.referenceMean());
            TuneJson.num(n, "reference_se", v.referenceSe());
            TuneJson.num(n, "best_stronger_mean_val_nll", v.bestStronger());
            TuneJson.num(n, "best_stronger_value", v.bestStrongerValue() == null ? Double.NaN : v.bestStrongerValue());
            TuneJson.num(n, "best_weaker_mean_val_nll", v.bestWeaker());
            TuneJson.num(n, "best_weaker_value", v.bestWeakerValue() == null ? Double.NaN : v.bestWeakerValue());
            n.put("edge", v.edge().jsonName());
            TuneJson.num(n, "reference_gap", v.referenceGap());
            TuneJson.num(n, "selected_gap", v.selectedGap());
            n.put("advice", v.advice());
        }
        return TuneJson.write(o) + "\n";
    }
}
