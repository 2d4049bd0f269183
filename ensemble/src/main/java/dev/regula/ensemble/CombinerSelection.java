package dev.regula.ensemble;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Chooses a combiner by cross-validated NLL on held-out member predictions. A fitted combiner's NLL
 * on the rows it was fitted on favours the most flexible one (stacking, free weights); here each
 * candidate is refitted on K−1 folds and scored on the fold it did not see, so a candidate only
 * wins by generalising. The winner is then refitted on all rows.
 *
 * <p>Two rules pick the winner. {@link Rule#MIN} takes the lowest cross-validated NLL.
 * {@link Rule#ONE_SE} (the "one-standard-error rule" of Breiman et al. 1984) takes the first
 * candidate, in the order given (simplest first), whose NLL exceeds the lowest by no more than one
 * standard error of that difference: the per-row NLL differences are paired, since every candidate
 * is scored on the same rows. A gap smaller than its own noise is no reason to prefer the more
 * flexible combiner.
 */
public final class CombinerSelection {
    private CombinerSelection() {}

    /** Fits a combiner on predictions (the whole split, or the training folds of it). */
    @FunctionalInterface
    public interface Fitter {
        Combiner fit(MemberPredictions rows) throws EnsembleException;
    }

    /** A named way to fit a combiner; names are unique within one selection. */
    public record Candidate(String name, Fitter fitter) {}

    /** How the winner is picked from the cross-validated NLLs. */
    public enum Rule {
        /** The lowest cross-validated NLL. */
        MIN,
        /** The first candidate (simplest first) within one standard error of the lowest. */
        ONE_SE;

        /** {@code min} or {@code one_se}. */
        public String key() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * @param chosen the winner refitted on every usable row
     * @param name the winner's candidate name
     * @param cvNll cross-validated NLL per candidate name, in candidate order
     * @param cvGapSe per candidate, the standard error of its per-row NLL difference from the lowest
     *     (0 for the lowest itself), in candidate order
     * @param lowest the candidate with the lowest cross-validated NLL
     * @param rule how {@code name} was picked
     * @param folds K
     */
    public record Result(Combiner chosen, String name, Map<String, Double> cvNll, Map<String, Double> cvGapSe,
                         String lowest, Rule rule, int folds) {}

    /**
     * Mean NLL over the usable rows (those no member trained on), each predicted by {@code fitter}'s
     * combiner fitted on the other folds. Folds are stratified by label and shuffled with {@code seed}.
     */
    public static double crossValidatedNll(MemberPredictions preds, Fitter fitter, int folds, long seed) throws EnsembleException {
        return mean(outOfFoldNll(preds, fitter, folds(preds, folds, seed)));
    }

    /** Per usable row, in fold order, the NLL of the combiner fitted on the other folds. */
    static double[] outOfFoldNll(MemberPredictions preds, Fitter fitter, int[][] fold) throws EnsembleException {
        double[] nll = new double[Arrays.stream(fold).mapToInt(f -> f.length).sum()];
        // The folds' fits are independent: fit them side by side, then score in fold order.
        List<float[][]> predicted = Parallel.map(fold.length,
                f -> fitter.fit(preds.subset(trainingRows(fold, f))).combine(preds.subset(fold[f]).proba()));
        int n = 0;
        for (int f = 0; f < fold.length; f++) {
            int[] out = fold[f];
            float[][] q = predicted.get(f);
            for (int i = 0; i < out.length; i++) {
                double v = q[i][preds.labels()[out[i]]];
                if (!Double.isFinite(v)) {
                    throw new EnsembleException("selection: a combiner predicted " + v + " on row " + out[i]);
                }
                nll[n++] = -Math.log(Math.max(Probs.EPS, v));
            }
        }
        return nll;
    }

    /** As {@link #select(MemberPredictions, List, int, long, Rule)} with {@link Rule#MIN}. */
    public static Result select(MemberPredictions preds, List<Candidate> candidates, int folds, long seed) throws EnsembleException {
        return select(preds, candidates, folds, seed, Rule.MIN);
    }

    /**
     * Cross-validates every candidate on the same folds, picks one by {@code rule} (ties: the
     * earlier) and refits it on every usable row. For {@link Rule#ONE_SE}, list the candidates
     * simplest first.
     */
    public static Result select(MemberPredictions preds, List<Candidate> candidates, int folds, long seed, Rule rule)
            throws EnsembleException {
        if (candidates.isEmpty()) {
            throw new EnsembleException("selection: no candidate combiners");
        }
        int[][] fold = folds(preds, folds, seed);
        Map<String, double[]> perRow = new LinkedHashMap<>();
        Map<String, Double> cv = new LinkedHashMap<>();
        Candidate lowest = null;
        double lowestNll = Double.POSITIVE_INFINITY;
        Set<String> names = new HashSet<>();
        for (Candidate c : candidates) {
            if (!names.add(c.name())) {
                throw new EnsembleException("selection: candidate '" + c.name() + "' is listed twice");
            }
        }
        List<double[]> outOfFold = Parallel.map(candidates.size(), i -> outOfFoldNll(preds, candidates.get(i).fitter(), fold));
        for (int i = 0; i < candidates.size(); i++) {
            Candidate c = candidates.get(i);
            double[] nll = outOfFold.get(i);
            double m = mean(nll);
            perRow.put(c.name(), nll);
            cv.put(c.name(), m);
            if (m < lowestNll) {
                lowestNll = m;
                lowest = c;
            }
        }
        if (lowest == null) {
            throw new EnsembleException("selection: cross-validated NLL is NaN for every candidate " + cv.keySet());
        }
        double[] base = perRow.get(lowest.name());
        Map<String, Double> se = new LinkedHashMap<>();
        Candidate chosen = null;
        for (Candidate c : candidates) {
            double[] nll = perRow.get(c.name());
            double[] d = new double[nll.length];
            for (int i = 0; i < d.length; i++) {
                d[i] = nll[i] - base[i];
            }
            double gap = mean(d);
            double s = standardError(d);
            se.put(c.name(), s);
            if (chosen == null && rule == Rule.ONE_SE && gap <= s) {
                chosen = c;
            }
        }
        if (chosen == null) {
            chosen = lowest;
        }
        return new Result(chosen.fitter().fit(preds), chosen.name(), cv, se, lowest.name(), rule, folds);
    }

    private static double mean(double[] a) {
        double s = 0;
        for (double v : a) {
            s += v;
        }
        return s / a.length;
    }

    /** Standard error of the mean of {@code a} (sample standard deviation / sqrt(n)); 0 for fewer than 2 values. */
    static double standardError(double[] a) {
        if (a.length < 2) {
            return 0;
        }
        double m = mean(a);
        double ss = 0;
        for (double v : a) {
            ss += (v - m) * (v - m);
        }
        return Math.sqrt(ss / (a.length - 1) / a.length);
    }

    /** Usable rows split into {@code folds} folds, stratified by label. */
    static int[][] folds(MemberPredictions preds, int folds, long seed) throws EnsembleException {
        BitSet any = new BitSet();
        preds.seen().forEach(any::or);
        int usable = preds.rows() - any.cardinality();
        if (folds < 2 || folds > usable) {
            throw new EnsembleException("selection: folds must be in [2, " + usable + "] (rows no member trained on), got " + folds);
        }
        int classes = Math.max(preds.classes(), Arrays.stream(preds.labels()).max().orElse(0) + 1);
        List<List<Integer>> byClass = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            byClass.add(new ArrayList<>());
        }
        for (int r = 0; r < preds.rows(); r++) {
            if (!any.get(r)) {
                byClass.get(preds.labels()[r]).add(r);
            }
        }
        SplittableRandom rng = new SplittableRandom(seed);
        List<List<Integer>> out = new ArrayList<>();
        for (int f = 0; f < folds; f++) {
            out.add(new ArrayList<>());
        }
        int next = 0;
        for (List<Integer> rows : byClass) {
            for (int i = rows.size() - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                Integer t = rows.get(i);
                rows.set(i, rows.get(j));
                rows.set(j, t);
            }
            // continue the round-robin across classes so fold sizes differ by at most one
            for (int r : rows) {
                out.get(next++ % folds).add(r);
            }
        }
        int[][] a = new int[folds][];
        for (int f = 0; f < folds; f++) {
            a[f] = out.get(f).stream().mapToInt(Integer::intValue).sorted().toArray();
        }
        return a;
    }

    private static int[] trainingRows(int[][] fold, int skip) {
        List<Integer> in = new ArrayList<>();
        for (int f = 0; f < fold.length; f++) {
            if (f != skip) {
                Arrays.stream(fold[f]).forEach(in::add);
            }
        }
        return in.stream().mapToInt(Integer::intValue).sorted().toArray();
    }
}
