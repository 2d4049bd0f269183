package dev.regula.ensemble;

import dev.regula.models.GraphBuilder;
import dev.regula.models.OnnxRef;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Stacking: a multinomial logistic meta-learner on the members' log-probabilities
 * ({@code log max(p, 1e-6)}, member-major: feature {@code k·C + c}).
 *
 * <p>It only ever learns from predictions a member made on rows it did not train on. On a
 * held-out split (validation) that is every row. On the training split of a bagged ensemble
 * ({@link MemberPredictions#onTraining}) a member's in-bag entries are replaced by the uniform
 * distribution (no information), and rows every member trained on are dropped: a member that
 * memorised its bag is judged only on its out-of-bag rows. The L2 strength
 * is chosen from a grid by K-fold cross-validated NLL over the fit rows, then the meta-learner is
 * refitted on all of them.
 */
public final class Stacking implements Combiner {
    /** Floor before the log, in Java and in the graph (Clip), so a zero probability stays finite. */
    static final float FLOOR = 1e-6f;

    private final int members;
    private final int classes;
    private final LogisticMeta meta;
    private final Map<String, Object> details;

    private Stacking(int members, int classes, LogisticMeta meta, Map<String, Object> details) {
        this.members = members;
        this.classes = classes;
        this.meta = meta;
        this.details = details;
    }

    /**
     * @param l2Grid candidate L2 strengths (each >= 0); one candidate skips cross-validation
     * @param folds K for the cross-validation, >= 2 and <= fit rows
     * @param seed shuffles rows into folds
     */
    public static Stacking fit(MemberPredictions preds, double[] l2Grid, int folds, long seed) throws EnsembleException {
        if (l2Grid.length == 0) {
            throw new EnsembleException("stacking: l2 grid is empty, expected at least one strength >= 0");
        }
        for (double l2 : l2Grid) {
            if (!(l2 >= 0) || Double.isInfinite(l2)) {
                throw new EnsembleException("stacking: l2 " + l2 + " in " + Arrays.toString(l2Grid) + ", expected finite >= 0");
            }
        }
        if (preds.members() == 0) {
            throw new EnsembleException("stacking: no members to combine");
        }
        if (preds.rows() == 0) {
            throw new EnsembleException("stacking: the fit split has 0 rows, cannot fit a meta-learner on it");
        }
        int k = preds.members();
        int c = preds.classes();
        double[][] x = new double[preds.rows()][];
        List<Integer> usable = new ArrayList<>();
        for (int r = 0; r < preds.rows(); r++) {
            x[r] = outOfSampleFeatures(preds, r, k, c);
            if (x[r] != null) {
                usable.add(r);
            }
        }
        if (usable.isEmpty()) {
            throw new EnsembleException("stacking: every one of the " + preds.rows()
                    + " rows was trained on by every member; fit on a held-out split or out-of-bag rows");
        }
        int[] idx = usable.stream().mapToInt(Integer::intValue).toArray();
        double best = l2Grid[0];
        Map<String, Object> cv = new LinkedHashMap<>();
        if (l2Grid.length > 1) {
            if (folds < 2 || folds > idx.length) {
                throw new EnsembleException("stacking: folds must be in [2, " + idx.length + "] (the fit rows), got " + folds);
            }
            int[] shuffled = shuffle(idx, seed);
            double bestNll = Double.POSITIVE_INFINITY;
            // Each strength's cross-validation is independent of the others: run them side by side.
            List<Double> nlls = Parallel.map(l2Grid.length, i -> crossValidatedNll(x, preds.labels(), shuffled, folds, c, l2Grid[i]));
            for (int i = 0; i < l2Grid.length; i++) {
                double l2 = l2Grid[i];
                double nll = nlls.get(i);
                cv.put(Double.toString(l2), nll);
                if (nll < bestNll) {
                    bestNll = nll;
                    best = l2;
                }
            }
        }
        LogisticMeta meta = LogisticMeta.fit(x, preds.labels(), idx, c, best);
        for (float[] row : meta.w()) {
            for (float v : row) {
                if (!Float.isFinite(v)) {
                    throw new EnsembleException("stacking: meta-learner weights are not finite (l2 " + best + "); check the member predictions");
                }
            }
        }
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("l2", best);
        d.put("folds", l2Grid.length > 1 ? folds : 0);
        d.put("fit_rows", idx.length);
        d.put("cv_nll_by_l2", cv);
        return new Stacking(k, c, meta, d);
    }

    /**
     * Feature row for {@code r} in which a member that trained on the row contributes the
     * uninformative uniform distribution instead of its prediction; null when every member did.
     */
    private static double[] outOfSampleFeatures(MemberPredictions preds, int r, int k, int c) {
        boolean anyUnseen = false;
        double[] x = new double[k * c];
        double uniform = Math.log((float) (1.0 / c));
        for (int m = 0; m < k; m++) {
            boolean seen = preds.seen().get(m).get(r);
            anyUnseen |= !seen;
            for (int j = 0; j < c; j++) {
                x[m * c + j] = seen ? uniform : (float) Math.log(Math.max(FLOOR, preds.proba()[m][r][j]));
            }
        }
        return anyUnseen ? x : null;
    }

    private static double crossValidatedNll(double[][] x, int[] y, int[] rows, int folds, int c, double l2)
            throws EnsembleException {
        // The folds' fits run side by side; their held-out NLLs are summed in fold order, as one loop would.
        List<double[]> held = Parallel.map(folds, f -> {
            List<Integer> tr = new ArrayList<>();
            List<Integer> te = new ArrayList<>();
            for (int i = 0; i < rows.length; i++) {
                (i % folds == f ? te : tr).add(rows[i]);
            }
            LogisticMeta m = LogisticMeta.fit(x, y, tr.stream().mapToInt(Integer::intValue).toArray(), c, l2);
            double[] nll = new double[te.size()];
            for (int i = 0; i < nll.length; i++) {
                int r = te.get(i);
                nll[i] = Math.log(Math.max(Probs.EPS, m.predict(x[r])[y[r]]));
            }
            return nll;
        });
        double total = 0;
        for (double[] fold : held) {
            for (double v : fold) {
                total -= v;
            }
        }
        return total / rows.length;
    }

    private static int[] shuffle(int[] idx, long seed) {
        int[] a = idx.clone();
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = a.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        return a;
    }

    @Override
    public String kind() {
        return "stacking";
    }

    @Override
    public int members() {
        return members;
    }

    @Override
    public float[][] combine(float[][][] proba) {
        if (proba.length != members) {
            throw new IllegalArgumentException("stacking: " + proba.length + " members, the meta-learner is for " + members);
        }
        int n = proba[0].length;
        float[][] out = new float[n][];
        double[] x = new double[members * classes];
        for (int i = 0; i < n; i++) {
            for (int m = 0; m < members; m++) {
                for (int j = 0; j < classes; j++) {
                    // float log, as ONNX Log computes it, so Java and the graph agree to float rounding
                    x[m * classes + j] = (float) Math.log(Math.max(FLOOR, proba[m][i][j]));
                }
            }
            out[i] = meta.predict(x);
        }
        return out;
    }

    @Override
    public OnnxRef writeGraph(GraphBuilder g, OnnxRef stacked, int c) {
        OnnxRef logp = g.log(g.clip(stacked, FLOOR, null));
        OnnxRef rows = g.reshape(g.transpose(logp, 1, 0, 2), -1, (long) members * classes);
        OnnxRef w = g.initializer("stacking_W", meta.w());
        OnnxRef b = g.initializer("stacking_b", meta.b(), classes);
        return g.softmax(g.gemm(rows, w, b, 1f, 1f, false, true), 1);
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("kind", kind());
        d.put("members", members);
        d.put("classes", classes);
        d.putAll(details);
        return d;
    }

    /** Meta-learner weights {@code [C][K·C]} on log-probabilities (copy). */
    public float[][] metaWeights() {
        return Arrays.stream(meta.w()).map(float[]::clone).toArray(float[][]::new);
    }
}
