package dev.regula.transfer.regularize;

import ai.djl.ndarray.NDArray;
import java.util.List;

/** Lasso: {@code λ · Σ|w|} over all weights (and biases when {@code includeBias}), λ per head. */
public final class L1Penalty implements Penalty {
    private final double[] lambda;
    private final boolean includeBias;

    public L1Penalty(double lambda, boolean includeBias) {
        this(new double[] {lambda}, includeBias);
    }

    /** One λ per head of the stack. */
    public L1Penalty(double[] lambda, boolean includeBias) {
        this.lambda = Penalty.strengths("l1", lambda);
        this.includeBias = includeBias;
    }

    @Override
    public NDArray value(List<NDArray> weights, List<NDArray> biases) {
        NDArray sum = Penalty.sum(Penalty.targets(weights, biases, includeBias), NDArray::abs, lambda.length);
        return sum.mul(HeadAxis.vector(sum, lambda));
    }
}
