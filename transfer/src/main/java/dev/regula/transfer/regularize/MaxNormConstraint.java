package dev.regula.transfer.regularize;

import ai.djl.ndarray.NDArray;

/**
 * Max-norm (Srivastava et al. 2014): after every step each unit's incoming weight vector — a row
 * of {@code W [out, in]} (of each head's block of {@code [K, out, in]}) — is rescaled so its L2
 * norm is at most {@code c}.
 */
public record MaxNormConstraint(double c) {
    public MaxNormConstraint {
        if (!(c > 0)) {
            throw new IllegalArgumentException("max_norm must be > 0, got " + c);
        }
    }

    /** Rescales the rows of {@code w} in place. */
    public void apply(NDArray w) {
        try (NDArray bound = GraphScalars.of(w, c)) {
            apply(w, bound);
        }
    }

    /**
     * Rescales the rows (last axis) of {@code w} in place so that each norm is at most its bound:
     * {@code c} broadcasts against the row norms (a scalar, or a column {@code [K, 1, 1]} with one
     * bound per head; +∞ leaves a head unchanged, exactly).
     */
    public static void apply(NDArray w, NDArray c) {
        int last = w.getShape().dimension() - 1;
        NDArray norms = w.square().sum(new int[] {last}, true).sqrt();
        NDArray scale = norms.add(1e-12f).pow(-1).mul(c).minimum(1f);
        w.muli(scale);
    }
}
