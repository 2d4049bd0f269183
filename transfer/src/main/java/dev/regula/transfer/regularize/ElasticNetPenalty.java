package dev.regula.transfer.regularize;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * Elastic net: {@code alpha · (l1_ratio · Σ|w| + (1 − l1_ratio) · Σw²)}, with the same no-½ L2
 * convention as {@link L2Penalty}; alpha and l1_ratio per head.
 */
public final class ElasticNetPenalty implements Penalty {
    private final double[] l1Strength;
    private final double[] l2Strength;
    private final boolean includeBias;

    public ElasticNetPenalty(double alpha, double l1Ratio, boolean includeBias) {
        this(new double[] {alpha}, new double[] {l1Ratio}, includeBias);
    }

    /** One alpha and one l1_ratio per head of the stack. */
    public ElasticNetPenalty(double[] alpha, double[] l1Ratio, boolean includeBias) {
        Penalty.strengths("elastic_net.alpha", alpha);
        if (l1Ratio.length != alpha.length) {
            throw new IllegalArgumentException("elastic_net: " + alpha.length + " alphas but " + l1Ratio.length + " l1_ratios");
        }
        l1Strength = new double[alpha.length];
        l2Strength = new double[alpha.length];
        for (int k = 0; k < alpha.length; k++) {
            if (!(l1Ratio[k] >= 0 && l1Ratio[k] <= 1)) {
                throw new IllegalArgumentException("elastic_net.l1_ratio must be in [0, 1], got " + l1Ratio[k]);
            }
            l1Strength[k] = alpha[k] * l1Ratio[k];
            l2Strength[k] = alpha[k] * (1 - l1Ratio[k]);
        }
        this.includeBias = includeBias;
    }

    @Override
    public NDArray value(List<NDArray> weights, List<NDArray> biases) {
        List<NDArray> t = Penalty.targets(weights, biases, includeBias);
        int heads = l1Strength.length;
        NDArray abs = Penalty.sum(t, NDArray::abs, heads);
        NDArray l1 = abs.mul(HeadAxis.vector(abs, l1Strength));
        NDArray sq = Penalty.sum(t, NDArray::square, heads);
        NDArray l2 = sq.mul(HeadAxis.vector(sq, l2Strength));
        return l1.add(l2);
    }
}
