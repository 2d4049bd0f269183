package dev.regula.transfer.regularize;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * Ridge in the loss: {@code λ · Σw²} over all weights (and biases when {@code includeBias}).
 * The convention has no factor ½, so the gradient is {@code 2λw}. Unlike decoupled weight decay,
 * this term passes through the optimizer: with Adam it is rescaled per coordinate.
 */
public record L2Penalty(double lambda, boolean includeBias) implements Penalty {
    public L2Penalty {
        if (!(lambda >= 0)) {
            throw new IllegalArgumentException("l2 must be >= 0, got " + lambda);
        }
    }

    @Override
    public NDArray value(List<NDArray> weights, List<NDArray> biases) {
        NDArray sum = Penalty.sum(Penalty.targets(weights, biases, includeBias), NDArray::square);
        return sum.mul(GraphScalars.of(sum, lambda));
    }
}
