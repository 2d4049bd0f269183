package dev.regula.transfer.regularize;

import ai.djl.ndarray.NDArray;

/**
 * Max-norm (Srivastava et al. 2014): after every step each unit's incoming weight vector — a row
 * of {@code W [out, in]} — is rescaled so its L2 norm is at most {@code c}.
 */
public record MaxNormConstraint(double c) {
    public MaxNormConstraint {
        if (!(c > 0)) {
            throw new IllegalArgumentException("max_norm must be > 0, got " + c);
        }
    }

    /** Rescales the rows of {@code w} in place. */
    public void apply(NDArray w) {
        NDArray norms = w.square().sum(new int[] {1}, true).sqrt();
        NDArray scale = norms.add(1e-12f).pow(-1).mul((float) c).minimum(1f);
        w.muli(scale);
    }
}
