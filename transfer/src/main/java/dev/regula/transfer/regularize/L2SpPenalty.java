package dev.regula.transfer.regularize;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * L2-SP (Li, Grandvalet &amp; Davoine 2018): {@code λ · Σ(w − w0)²}, pulling weights toward a
 * starting point w0 instead of toward zero. Layers without a reference (null entry) are skipped.
 */
public final class L2SpPenalty implements Penalty {
    private final double lambda;
    private final List<NDArray> w0;

    /**
     * @param w0 per-layer reference weights {@code [out, in]}, owned by the run's manager; null entries skip a layer
     */
    public L2SpPenalty(double lambda, List<NDArray> w0) {
        if (!(lambda >= 0)) {
            throw new IllegalArgumentException("l2_sp.lambda must be >= 0, got " + lambda);
        }
        this.lambda = lambda;
        this.w0 = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(w0));
    }

    @Override
    public NDArray value(List<NDArray> weights, List<NDArray> biases) {
        if (weights.size() != w0.size()) {
            throw new IllegalArgumentException("l2_sp has references for " + w0.size() + " layers, the head has " + weights.size());
        }
        NDArray total = null;
        for (int i = 0; i < weights.size(); i++) {
            if (w0.get(i) == null) {
                continue;
            }
            NDArray t = weights.get(i).sub(w0.get(i)).square().sum();
            total = total == null ? t : total.add(t);
        }
        return total == null ? weights.get(0).getManager().create(0f) : total.mul(GraphScalars.of(total, lambda));
    }

    /** The reference arrays, so a trainer can keep them alive in its batch scopes. */
    public List<NDArray> references() {
        return w0.stream().filter(java.util.Objects::nonNull).toList();
    }
}
