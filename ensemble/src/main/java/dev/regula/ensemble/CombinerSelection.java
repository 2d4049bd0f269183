package dev.regula.ensemble;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Chooses a combiner by cross-validated NLL on held-out member predictions. A fitted combiner's NLL
 * on the rows it was fitted on favours the most flexible one (stacking, free weights); here each
 * candidate is refitted on K−1 folds and scored on the fold it did not see, so a candidate only
 * wins by generalising. The winner is then refitted on all rows.
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

    /**
     * @param chosen the winner refitted on every usable row
     * @param name the winner's candidate name
     * @param cvNll cross-validated NLL per candidate name, in candidate order
     * @param folds K
     */
    public record Result(Combiner chosen, String name, Map<String, Double> cvNll, int folds) {}

    /**
     * Mean NLL over the usable rows (those no member trained on), each predicted by {@code fitter}'s
     * combiner fitted on the other folds. Folds are stratified by label and shuffled with {@code seed}.
     */
    public static double crossValidatedNll(MemberPredictions preds, Fitter fitter, int folds, long seed) throws EnsembleException {
        int[][] fold = folds(preds, folds, seed);
        double total = 0;
        int n = 0;
        for (int f = 0; f < folds; f++) {
            int[] out = fold[f];
            int[] in = trainingRows(fold, f);
            Combiner c = fitter.fit(preds.subset(in));
            float[][][] p = preds.subset(out).proba();
            float[][] q = c.combine(p);
            for (int i = 0; i < out.length; i++) {
                double v = q[i][preds.labels()[out[i]]];
                if (!Double.isFinite(v)) {
                    throw new EnsembleException("selection: a combiner predicted " + v + " on row " + out[i]);
                }
                total -= Math.log(Math.max(Probs.EPS, v));
            }
            n += out.length;
        }
        return total / n;
    }

    /** Cross-validates every candidate on the same folds and refits the one with the lowest NLL (ties: the earlier). */
    public static Result select(MemberPredictions preds, List<Candidate> candidates, int folds, long seed) throws EnsembleException {
        if (candidates.isEmpty()) {
            throw new EnsembleException("selection: no candidate combiners");
        }
        Map<String, Double> cv = new LinkedHashMap<>();
        Candidate best = null;
        double bestNll = Double.POSITIVE_INFINITY;
        for (Candidate c : candidates) {
            if (cv.containsKey(c.name())) {
                throw new EnsembleException("selection: candidate '" + c.name() + "' is listed twice");
            }
            double nll = crossValidatedNll(preds, c.fitter(), folds, seed);
            cv.put(c.name(), nll);
            if (nll < bestNll) {
                bestNll = nll;
                best = c;
            }
        }
        if (best == null) {
            throw new EnsembleException("selection: cross-validated NLL is NaN for every candidate " + cv.keySet());
        }
        return new Result(best.fitter().fit(preds), best.name(), cv, folds);
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
