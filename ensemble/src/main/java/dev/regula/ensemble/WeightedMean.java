package dev.regula.ensemble;

import dev.regula.models.GraphBuilder;
import dev.regula.models.OnnxRef;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A convex combination Σ_k w_k p_k with weights on the simplex. Built by {@link #fit} (weights
 * fitted on validation NLL, shrunk toward uniform), by {@link CaruanaSelection} (counts of a
 * greedy selection) or from given weights with {@link #of}.
 */
public final class WeightedMean implements Combiner {
    /** Tolerance on Σw = 1; float export adds ~1e-7 on top, well inside the parity bound. */
    static final double SUM_TOLERANCE = 1e-6;

    /** How the fitted weights are pulled toward uniform. */
    public enum Penalty {
        /** strength · ||w − 1/K||² */
        L2,
        /** strength · (log K − H(w)), zero at uniform */
        ENTROPY
    }

    private final String kind;
    private final double[] weights;
    private final Map<String, Object> details;

    private WeightedMean(String kind, double[] weights, Map<String, Object> details) {
        this.kind = kind;
        this.weights = weights;
        this.details = details;
    }

    /** A weighted mean with given weights; they must be finite, >= 0 and sum to 1. */
    public static WeightedMean of(double... weights) throws EnsembleException {
        return create("weighted", weights, Map.of());
    }

    static WeightedMean create(String kind, double[] weights, Map<String, Object> details) throws EnsembleException {
        checkSimplex(kind, weights);
        return new WeightedMean(kind, weights.clone(), details);
    }

    /**
     * Fits weights minimising validation NLL of the mixture plus {@code strength} times the
     * penalty, by projected gradient descent on the simplex with a backtracking step (so any
     * strength, even huge, stays stable), starting at uniform. Rows any member was trained on are
     * left out.
     *
     * @param strength >= 0; 0 fits NLL alone, → ∞ gives uniform weights
     */
    public static WeightedMean fit(MemberPredictions val, Penalty penalty, double strength) throws EnsembleException {
        if (!(strength >= 0) || Double.isInfinite(strength)) {
            throw new EnsembleException("weighted: strength must be a finite number >= 0, got " + strength);
        }
        Rows rows = Rows.clean(val, "weighted");
        int k = val.members();
        double[] w = Probs.uniform(k);
        double f = objective(rows, w, penalty, strength);
        double t = 1;
        for (int it = 0; it < 2000; it++) {
            double[] g = gradient(rows, w, penalty, strength);
            double[] next = null;
            double fNext = 0;
            for (int tries = 0; tries < 80; tries++) {
                double[] cand = new double[k];
                for (int j = 0; j < k; j++) {
                    cand[j] = w[j] - t * g[j];
                }
                cand = Simplex.project(cand);
                double lin = 0;
                double sq = 0;
                for (int j = 0; j < k; j++) {
                    lin += g[j] * (cand[j] - w[j]);
                    sq += (cand[j] - w[j]) * (cand[j] - w[j]);
                }
                double fc = objective(rows, cand, penalty, strength);
                if (fc <= f + lin + sq / (2 * t)) {
                    next = cand;
                    fNext = fc;
                    break;
                }
                t /= 2;
            }
            if (next == null) {
                break;
            }
            double moved = 0;
            for (int j = 0; j < k; j++) {
                moved = Math.max(moved, Math.abs(next[j] - w[j]));
            }
            w = next;
            f = fNext;
            t *= 2;
            if (moved < 1e-12) {
                break;
            }
        }
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("penalty", penalty.name().toLowerCase(java.util.Locale.ROOT));
        d.put("strength", strength);
        d.put("fit_rows", rows.idx.length);
        d.put("val_objective", f);
        return create("weighted", w, d);
    }

    private static double objective(Rows rows, double[] w, Penalty penalty, double strength) {
        double nll = 0;
        for (int r : rows.idx) {
            double q = 0;
            for (int k = 0; k < w.length; k++) {
                q += w[k] * rows.p[k][r][rows.y[r]];
            }
            nll -= Math.log(Math.max(Probs.EPS, q));
        }
        nll /= rows.idx.length;
        return nll + strength * penaltyValue(w, penalty);
    }

    private static double penaltyValue(double[] w, Penalty penalty) {
        double s = 0;
        double u = 1.0 / w.length;
        for (double v : w) {
            s += penalty == Penalty.L2 ? (v - u) * (v - u) : (v > 0 ? v * Math.log(v) : 0);
        }
        return penalty == Penalty.L2 ? s : s + Math.log(w.length);
    }

    private static double[] gradient(Rows rows, double[] w, Penalty penalty, double strength) {
        int k = w.length;
        double[] g = new double[k];
        for (int r : rows.idx) {
            double q = 0;
            for (int j = 0; j < k; j++) {
                q += w[j] * rows.p[j][r][rows.y[r]];
            }
            q = Math.max(Probs.EPS, q);
            for (int j = 0; j < k; j++) {
                g[j] -= rows.p[j][r][rows.y[r]] / q;
            }
        }
        for (int j = 0; j < k; j++) {
            g[j] /= rows.idx.length;
            g[j] += strength * (penalty == Penalty.L2 ? 2 * (w[j] - 1.0 / k) : Math.log(Math.max(1e-300, w[j])) + 1);
        }
        return g;
    }

    static void checkSimplex(String kind, double[] w) throws EnsembleException {
        if (w.length == 0) {
            throw new EnsembleException(kind + ": no weights, expected one per member");
        }
        double sum = 0;
        for (int k = 0; k < w.length; k++) {
            if (!Double.isFinite(w[k]) || w[k] < 0) {
                throw new EnsembleException(kind + ": weight " + k + " is " + w[k] + ", expected a finite number >= 0 (weights "
                        + Arrays.toString(w) + ")");
            }
            sum += w[k];
        }
        if (Math.abs(sum - 1) > SUM_TOLERANCE) {
            throw new EnsembleException(kind + ": weights sum to " + sum + ", expected 1 (weights " + Arrays.toString(w) + ")");
        }
    }

    public double[] weights() {
        return weights.clone();
    }

    @Override
    public String kind() {
        return kind;
    }

    @Override
    public int members() {
        return weights.length;
    }

    @Override
    public float[][] combine(float[][][] proba) {
        if (proba.length != weights.length) {
            throw new IllegalArgumentException(kind + ": " + proba.length + " members, the weights are for " + weights.length);
        }
        return Probs.weighted(proba, weights);
    }

    @Override
    public OnnxRef writeGraph(GraphBuilder g, OnnxRef stacked, int classes) {
        float[] w = new float[weights.length];
        for (int k = 0; k < w.length; k++) {
            w[k] = (float) weights[k];
        }
        OnnxRef wk = g.initializer(kind + "_weights", w, w.length, 1, 1);
        return g.reduceSum(g.mul(stacked, wk), new long[] {0}, false);
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("kind", kind);
        d.put("weights", Arrays.stream(weights).boxed().toList());
        d.putAll(details);
        return d;
    }

    /** Rows a combiner may fit on: those no member was trained on. */
    record Rows(float[][][] p, int[] y, int[] idx) {
        static Rows clean(MemberPredictions val, String who) throws EnsembleException {
            if (val.members() == 0) {
                throw new EnsembleException(who + ": no members to combine");
            }
            if (val.rows() == 0) {
                throw new EnsembleException(who + ": the validation split has 0 rows, cannot fit a combiner on it");
            }
            java.util.BitSet any = new java.util.BitSet();
            val.seen().forEach(any::or);
            int[] idx = java.util.stream.IntStream.range(0, val.rows()).filter(r -> !any.get(r)).toArray();
            if (idx.length == 0) {
                throw new EnsembleException(who + ": every one of the " + val.rows()
                        + " rows was trained on by some member; fit on a held-out split");
            }
            for (int k = 0; k < val.members(); k++) {
                for (int r : idx) {
                    for (float v : val.proba()[k][r]) {
                        if (!Float.isFinite(v)) {
                            throw new EnsembleException(who + ": member " + val.names().get(k) + " predicts " + v + " on row " + r
                                    + ", expected finite probabilities");
                        }
                    }
                }
            }
            return new Rows(val.proba(), val.labels(), idx);
        }
    }
}
