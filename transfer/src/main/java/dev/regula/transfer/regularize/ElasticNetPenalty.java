package dev.regula.transfer.regularize;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * Elastic net: {@code alpha · (l1_ratio · Σ|w| + (1 − l1_ratio) · Σw²)}, with the same no-½ L2
 * convention as {@link L2Penalty}.
 */
public record ElasticNetPenalty(double alpha, double l1Ratio, boolean includeBias) implements Penalty {
    public ElasticNetPenalty {
        if (!(alpha >= 0)) {
            throw new IllegalArgumentException("elastic_net.alpha must be >= 0, got " + alpha);
        }
        if (!(l1Ratio >= 0 && l1Ratio <= 1)) {
            throw new IllegalArgumentException("elastic_net.l1_ratio must be in [0, 1], got " + l1Ratio);
        }
    }

    @Override
    public NDArray value(List<NDArray> weights, List<NDArray> biases) {
        List<NDArray> t = Penalty.targets(weights, biases, includeBias);
        NDArray abs = Penalty.sum(t, NDArray::abs);
        NDArray l1 = abs.mul(GraphScalars.of(abs, alpha * l1Ratio));
        NDArray sq = Penalty.sum(t, NDArray::square);
        NDArray l2 = sq.mul(GraphScalars.of(sq, alpha * (1 - l1Ratio)));
        return l1.add(l2);
    }
}
