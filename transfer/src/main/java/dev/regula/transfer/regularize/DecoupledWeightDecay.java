package dev.regula.transfer.regularize;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * Decoupled weight decay (Loshchilov &amp; Hutter, "Decoupled Weight Decay Regularization", 2019):
 * after each optimizer step, {@code w ← w · (1 − lr·wd)}, outside the gradient. With SGD this
 * equals an L2 term of λ = wd/2; with Adam it does not, because an L2 gradient is divided by
 * Adam's per-coordinate scale while this shrink is not.
 */
public record DecoupledWeightDecay(double wd) {
    public DecoupledWeightDecay {
        if (!(wd >= 0)) {
            throw new IllegalArgumentException("weight_decay must be >= 0, got " + wd);
        }
    }

    /** Shrinks {@code w} in place for a step taken with learning rate {@code lr}. */
    public void apply(NDArray w, double lr) {
        if (wd == 0) {
            return;
        }
        w.muli(factor(lr));
    }

    /**
     * Shrinks every array of {@code ws} in place for a step taken with learning rate {@code lr},
     * as {@link #apply(NDArray, double)} does for each, with one native scalar for all of them.
     */
    public void apply(List<NDArray> ws, double lr) {
        if (wd == 0 || ws.isEmpty()) {
            return;
        }
        NDArray first = ws.get(0);
        try (NDArray f = first.getManager().create(factor(lr)).toDevice(first.getDevice(), false)) {
            for (NDArray w : ws) {
                w.muli(f);
            }
        }
    }

    /** The float32 factor {@code 1 − lr·wd}. */
    public float factor(double lr) {
        return (float) (1.0 - lr * wd);
    }
}
