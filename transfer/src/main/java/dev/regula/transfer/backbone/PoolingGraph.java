package dev.regula.transfer.backbone;

import dev.regula.models.ElemType;
import dev.regula.models.GraphBuilder;
import dev.regula.models.OnnxRef;

/**
 * Pooling and L2 normalisation written as ONNX nodes through {@link GraphBuilder}, which picks
 * the form of each op (axes as attribute or input) that the backbone's own opset needs.
 */
final class PoolingGraph {
    /** Guards the mean against an all-zero mask. */
    static final float COUNT_EPS = 1e-9f;
    /** Added to masked positions before ReduceMax so they never win. */
    static final float MASKED = -1e9f;
    /** Guards the L2 norm of an all-zero vector: x / sqrt(max(sum(x^2), eps)). */
    static final float L2_EPS = 1e-12f;

    private PoolingGraph() {}

    /** {@code hidden} [B, L, d] (or [B, d] for NONE) pooled to [B, d]; {@code mask} is the int64 [B, L] mask input. */
    static OnnxRef pool(GraphBuilder g, OnnxRef hidden, Pooling pooling, OnnxRef mask) {
        return switch (pooling) {
            case NONE -> hidden;
            case CLS -> g.gather(hidden, g.constant(0L), 1);
            case MEAN -> {
                OnnxRef m = g.unsqueeze(g.cast(mask, ElemType.FLOAT), 2);
                OnnxRef sum = g.reduceSum(g.mul(hidden, m), new long[] {1}, false);
                OnnxRef count = g.clip(g.reduceSum(m, new long[] {1}, false), COUNT_EPS, null);
                yield g.div(sum, count);
            }
            case MAX -> {
                OnnxRef m = g.unsqueeze(g.cast(mask, ElemType.FLOAT), 2);
                // (m - 1) * 1e9 is 0 where the mask is 1 (values pass unchanged) and -1e9 where it is 0.
                OnnxRef penalty = g.mul(g.sub(m, g.constant(1f)), g.constant(-MASKED));
                yield g.reduceMax(g.add(hidden, penalty), new long[] {1}, false);
            }
        };
    }

    /** x [B, d] divided row-wise by sqrt(max(sum(x^2), eps)). */
    static OnnxRef l2Normalize(GraphBuilder g, OnnxRef x) {
        OnnxRef ss = g.clip(g.reduceSum(g.mul(x, x), new long[] {1}, true), L2_EPS, null);
        return g.div(x, g.sqrt(ss));
    }
}
