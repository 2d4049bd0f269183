package dev.regula.transfer.regularize;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * L2-SP (Li, Grandvalet &amp; Davoine 2018): {@code λ · Σ(w − w0)²}, pulling weights toward a
 * starting point w0 instead of toward zero; λ per head. Layers without a reference (null entry)
 * are skipped; where only some heads of a stack have a reference for a layer, {@code include}
 * says which (the others' reference entries are ignored).
 */
public final class L2SpPenalty implements Penalty {
    private final double[] lambda;
    private final List<NDArray> w0;
    private final List<double[]> include;

    /** One head. */
    public L2SpPenalty(double lambda, List<NDArray> w0) {
        this(new double[] {lambda}, w0, null);
    }

    /**
     * @param lambda strength per head
     * @param w0 per-layer reference weights {@code [K, out, in]}, owned by the run's manager; null entries skip a layer
     * @param include per layer, 1 for heads whose reference counts and 0 for heads without one; null when all count
     */
    public L2SpPenalty(double[] lambda, List<NDArray> w0, List<double[]> include) {
        this.lambda = Penalty.strengths("l2_sp.lambda", lambda);
        this.w0 = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(w0));
        this.include = include == null ? null : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(include));
    }

    @Override
    public NDArray value(List<NDArray> weights, List<NDArray> biases) {
        if (weights.size() != w0.size()) {
            throw new IllegalArgumentException("l2_sp has references for " + w0.size() + " layers, the head has " + weights.size());
        }
        int heads = lambda.length;
        NDArray total = null;
        for (int i = 0; i < weights.size(); i++) {
            if (w0.get(i) == null) {
                continue;
            }
            NDArray t = HeadAxis.sums(weights.get(i).sub(w0.get(i)).square(), heads);
            if (include != null && include.get(i) != null) {
                t = t.mul(HeadAxis.vector(t, include.get(i)));
            }
            total = total == null ? t : total.add(t);
        }
        if (total == null) {
            return HeadAxis.vector(weights.get(0), new double[heads]);
        }
        return total.mul(HeadAxis.vector(total, lambda));
    }

    /** The reference arrays, so a trainer can keep them alive in its batch scopes. */
    public List<NDArray> references() {
        return w0.stream().filter(java.util.Objects::nonNull).toList();
    }
}
