package dev.regula.ensemble.export;

import dev.regula.ensemble.Member;
import dev.regula.models.GraphBuilder;
import dev.regula.models.OnnxRef;
import dev.regula.transfer.head.HeadActivation;
import dev.regula.transfer.head.LayerWeights;
import dev.regula.transfer.train.TrainedHead;
import java.util.List;

/**
 * K heads of one shape written as shared ops: layer 0 is a single {@code MatMul} of the features
 * with {@code [d, K·h]} (member k's transposed weights in column block k) plus the concatenated
 * bias; the result is reshaped to {@code [B, K, h]} and transposed to {@code [K, B, h]}, after
 * which each further layer is one batched {@code MatMul} with stacked {@code [K, h, h']} weights
 * plus a {@code [K, 1, h']} bias. A softmax over the last axis gives {@code [K, B, C]}.
 */
final class FusedGroup {
    private static final float INV_SQRT2 = (float) (1.0 / Math.sqrt(2.0));

    private FusedGroup() {}

    /** Heads with equal signatures are fused together. */
    static String signature(TrainedHead h) {
        StringBuilder sb = new StringBuilder().append(h.layers().get(0).in());
        for (LayerWeights lw : h.layers()) {
            sb.append('-').append(lw.out());
        }
        if (h.layers().size() > 1) {
            sb.append('/').append(h.spec().activation());
        }
        return sb.toString();
    }

    static OnnxRef write(GraphBuilder g, OnnxRef features, List<Member> group) {
        int k = group.size();
        List<List<LayerWeights>> heads = group.stream().map(m -> m.head().layers()).toList();
        HeadActivation act = group.get(0).head().spec().activation();
        int layers = heads.get(0).size();
        LayerWeights first = heads.get(0).get(0);
        int d = first.in();
        int h = first.out();
        float[] w0 = new float[d * k * h];
        float[] b0 = new float[k * h];
        for (int m = 0; m < k; m++) {
            LayerWeights lw = heads.get(m).get(0);
            for (int o = 0; o < h; o++) {
                b0[m * h + o] = lw.b()[o];
                for (int i = 0; i < d; i++) {
                    w0[i * k * h + m * h + o] = lw.w()[o][i];
                }
            }
        }
        OnnxRef x = g.add(g.matMul(features, g.initializer("fused_W0", w0, d, (long) k * h)),
                g.initializer("fused_b0", b0, (long) k * h));
        if (layers > 1) {
            x = activate(g, x, act);
        }
        x = g.transpose(g.reshape(x, -1, k, h), 1, 0, 2);
        for (int l = 1; l < layers; l++) {
            LayerWeights shape = heads.get(0).get(l);
            int in = shape.in();
            int out = shape.out();
            float[] w = new float[k * in * out];
            float[] b = new float[k * out];
            for (int m = 0; m < k; m++) {
                LayerWeights lw = heads.get(m).get(l);
                for (int o = 0; o < out; o++) {
                    b[m * out + o] = lw.b()[o];
                    for (int i = 0; i < in; i++) {
                        w[m * in * out + i * out + o] = lw.w()[o][i];
                    }
                }
            }
            x = g.add(g.matMul(x, g.initializer("fused_W" + l, w, k, in, out)), g.initializer("fused_b" + l, b, k, 1, out));
            if (l + 1 < layers) {
                x = activate(g, x, act);
            }
        }
        return g.softmax(x, -1);
    }

    private static OnnxRef activate(GraphBuilder g, OnnxRef x, HeadActivation a) {
        return switch (a) {
            case RELU -> g.relu(x);
            case TANH -> g.tanh(x);
            // Exact GELU, as the heads are trained and exported one by one: 0.5·x·(1 + erf(x/√2)).
            case GELU -> g.mul(g.mul(x, g.constant(0.5f)), g.add(g.constant(1f), g.erf(g.mul(x, g.constant(INV_SQRT2)))));
        };
    }
}
