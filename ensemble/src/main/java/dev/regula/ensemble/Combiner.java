package dev.regula.ensemble;

import dev.regula.models.GraphBuilder;
import dev.regula.models.OnnxRef;
import java.util.Map;

/**
 * Turns K members' class probabilities into one distribution, in Java and as ONNX ops. Fitted
 * combiners are built by their static {@code fit} methods on validation predictions and are
 * immutable afterwards.
 */
public interface Combiner {

    /** Short id written to reports and metadata: {@code mean}, {@code weighted}, {@code caruana}, {@code stacking}. */
    String kind();

    /** Number of members this combiner was fitted for, or -1 when it takes any number. */
    int members();

    /**
     * Combines member probabilities.
     *
     * @param proba {@code [K][N][C]}
     * @return {@code [N][C]}, rows summing to 1
     */
    float[][] combine(float[][][] proba);

    /**
     * Writes the combiner after {@code stacked}, a {@code [K, batch, C]} float tensor of member
     * probabilities in member order, and returns the {@code [batch, C]} probabilities.
     */
    OnnxRef writeGraph(GraphBuilder g, OnnxRef stacked, int classes);

    /** What it is and what it learned (weights, counts, meta-learner size), for JSON reports and metadata. */
    Map<String, Object> describe();
}
