package dev.regula.transfer.regularize;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * Ridge in the loss: {@code λ · Σw²} over all weights (and biases when {@code includeBias}), λ
 * per head. The convention has no factor ½, so the gradient is {@code 2λw}. Unlike decoupled
 * weight decay, this term passes through the optimizer: with Adam it is rescaled per coordinate.
 */
public final class L2Penalty implements Penalty {
    private final double[] lambda;
    private final boolean includeBias;

    public L2Penalty(double lambda, boolean includeBias) {
        this(new double[] {lambda}, includeBias);
    }

    /** One λ per head of the stack. */
    public L2Penalty(double[] lambda, boolean includeBias) {
        this.lambda = Penalty.strengths("l2", lambda);
        this.includeBias = includeBias;
    }

    @Override
    public NDArray value(List<NDArray> weights, List<NDArray> biases) {
        NDArray sum = Penalty.sum(Penalty.targets(weights, biases, includeBias), NDArray::square, lambda.length);
        return sum.mul(HeadAxis.vector(sum, lambda));
    }
}
