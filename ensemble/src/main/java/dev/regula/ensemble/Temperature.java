package dev.regula.ensemble;

import dev.regula.models.GraphBuilder;
import dev.regula.models.OnnxRef;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Temperature scaling (Guo et al. 2017) after another combiner: {@code softmax(log p / T)}, with
 * {@code p} the inner combiner's probabilities and one scalar {@code T} fitted on validation NLL.
 * It never changes the argmax, only the confidence: a mean of members that disagree is
 * under-confident ({@code T < 1} sharpens it), a mean of over-fitted members over-confident.
 */
public final class Temperature implements Combiner {
    /** Search range of 1/T; NLL is convex in 1/T, so a golden-section search finds the minimum. */
    static final double MIN_INVERSE = 0.05;
    static final double MAX_INVERSE = 20;

    private final Combiner inner;
    private final float inverse;
    private final Map<String, Object> details;

    private Temperature(Combiner inner, float inverse, Map<String, Object> details) {
        this.inner = inner;
        this.inverse = inverse;
        this.details = details;
    }

    /** Scales {@code inner} with a given temperature {@code t > 0}. */
    public static Temperature of(Combiner inner, double t) throws EnsembleException {
        if (!(t > 0) || Double.isInfinite(t)) {
            throw new EnsembleException("temperature: " + t + ", expected a finite number > 0");
        }
        return new Temperature(inner, (float) (1 / t), Map.of());
    }

    /**
     * Fits {@code T} for an already fitted {@code inner} on {@code val} (rows no member trained on),
     * minimising the NLL of the scaled probabilities over {@code 1/T} in [0.05, 20].
     */
    public static Temperature fit(Combiner inner, MemberPredictions val) throws EnsembleException {
        WeightedMean.Rows rows = WeightedMean.Rows.clean(val, "temperature");
        float[][][] p = new float[val.members()][][];
        for (int k = 0; k < p.length; k++) {
            p[k] = new float[rows.idx().length][];
            for (int i = 0; i < rows.idx().length; i++) {
                p[k][i] = val.proba()[k][rows.idx()[i]];
            }
        }
        float[][] q = inner.combine(p);
        int[] y = new int[rows.idx().length];
        double[][] logq = new double[q.length][];
        for (int i = 0; i < q.length; i++) {
            y[i] = val.labels()[rows.idx()[i]];
            logq[i] = logFloor(q[i]);
        }
        double lo = MIN_INVERSE;
        double hi = MAX_INVERSE;
        double phi = (Math.sqrt(5) - 1) / 2;
        double a = hi - phi * (hi - lo);
        double b = lo + phi * (hi - lo);
        double fa = nll(logq, y, a);
        double fb = nll(logq, y, b);
        while (hi - lo > 1e-7) {
            if (fa <= fb) {
                hi = b;
                b = a;
                fb = fa;
                a = hi - phi * (hi - lo);
                fa = nll(logq, y, a);
            } else {
                lo = a;
                a = b;
                fa = fb;
                b = lo + phi * (hi - lo);
                fb = nll(logq, y, b);
            }
        }
        double inv = (lo + hi) / 2;
        if (!Double.isFinite(nll(logq, y, inv))) {
            throw new EnsembleException("temperature: validation NLL is not finite; check the member predictions");
        }
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("temperature", 1 / (double) (float) inv);
        d.put("fit_rows", y.length);
        d.put("val_nll_before", nll(logq, y, 1));
        d.put("val_nll_after", nll(logq, y, inv));
        return new Temperature(inner, (float) inv, d);
    }

    private static double[] logFloor(float[] p) {
        double[] l = new double[p.length];
        for (int c = 0; c < p.length; c++) {
            // float log, as ONNX Log computes it, so Java and the graph agree to float rounding
            l[c] = (float) Math.log(Math.max(Stacking.FLOOR, p[c]));
        }
        return l;
    }

    private static double nll(double[][] logq, int[] y, double inverse) {
        double s = 0;
        for (int i = 0; i < logq.length; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (double v : logq[i]) {
                max = Math.max(max, v * inverse);
            }
            double sum = 0;
            for (double v : logq[i]) {
                sum += Math.exp(v * inverse - max);
            }
            s -= logq[i][y[i]] * inverse - max - Math.log(sum);
        }
        return s / logq.length;
    }

    /** The fitted temperature T. */
    public double temperature() {
        return 1 / (double) inverse;
    }

    public Combiner inner() {
        return inner;
    }

    @Override
    public String kind() {
        return inner.kind() + "+temperature";
    }

    @Override
    public int members() {
        return inner.members();
    }

    @Override
    public float[][] combine(float[][][] proba) {
        float[][] q = inner.combine(proba);
        float[][] out = new float[q.length][];
        for (int i = 0; i < q.length; i++) {
            double[] z = new double[q[i].length];
            for (int c = 0; c < z.length; c++) {
                // the graph's float Log then float Mul by 1/T
                z[c] = (float) Math.log(Math.max(Stacking.FLOOR, q[i][c])) * inverse;
            }
            out[i] = Forward.softmax(z);
        }
        return out;
    }

    @Override
    public OnnxRef writeGraph(GraphBuilder g, OnnxRef stacked, int classes) {
        OnnxRef p = inner.writeGraph(g, stacked, classes);
        OnnxRef scaled = g.mul(g.log(g.clip(p, Stacking.FLOOR, null)), g.initializer("temperature_inverse", new float[] {inverse}));
        return g.softmax(scaled, 1);
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> d = new LinkedHashMap<>(inner.describe());
        d.put("kind", kind());
        d.put("inner", inner.kind());
        d.putAll(details);
        if (!details.containsKey("temperature")) {
            d.put("temperature", temperature());
        }
        return d;
    }
}
