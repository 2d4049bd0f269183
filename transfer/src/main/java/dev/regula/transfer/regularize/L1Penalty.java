package dev.regula.transfer.regularize;

import ai.djl.ndarray.NDArray;
import java.util.List;

/** Lasso: {@code λ · Σ|w|} over all weights (and biases when {@code includeBias}). */
public record L1Penalty(double lambda, boolean includeBias) implements Penalty {
    public L1Penalty {
        if (!(lambda >= 0)) {
            throw new IllegalArgumentException("l1 must be >= 0, got " + lambda);
        }
    }

    @Override
    public NDArray value(List<NDArray> weights, List<NDArray> biases) {
        NDArray sum = Penalty.sum(Penalty.targets(weights, biases, includeBias), NDArray::abs);
        return sum.mul(GraphScalars.of(sum, lambda));
    }
}
