package dev.regula.transfer.finetune;

import dev.regula.models.ElemType;
import dev.regula.models.GraphBuilder;
import dev.regula.models.OnnxModel;
import dev.regula.models.OnnxRef;
import dev.regula.models.Tensors;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A one-layer BERT-style encoder written the way PyTorch exports one at opset 11: multi-head
 * self-attention with Softmax and an additive mask, LayerNorm spelled out as
 * ReduceMean/Sub/Pow/Sqrt/Div, GELU via Erf, residuals, and the int64 shape plumbing
 * (Shape, Gather, Unsqueeze, Concat, Slice) that splits and merges the heads.
 */
final class TinyTransformer {
    static final int HIDDEN = 8;
    static final int HEADS = 2;
    static final int FFN = 16;

    private TinyTransformer() {
    }

    /** The model: inputs {@code x} float [batch, seq, 8] and {@code mask} int64 [batch, seq]; output {@code y}. */
    static OnnxModel build(long seed) {
        return build(seed, false);
    }

    /** With {@code pooled}, the output is {@code pooled} [batch, 8]: y averaged over the sequence. */
    static OnnxModel build(long seed, boolean pooled) {
        Random rnd = new Random(seed);
        GraphBuilder g = GraphBuilder.create("tiny_transformer", 11);
        OnnxRef x = g.input("x", ElemType.FLOAT, "batch", "seq", (long) HIDDEN);
        OnnxRef mask = g.input("mask", ElemType.INT64, "batch", "seq");

        OnnxRef m = g.cast(g.unsqueeze(g.unsqueeze(mask, 1), 2), ElemType.FLOAT);
        OnnxRef bias = g.mul(g.sub(f(g, 1f), m), f(g, -10000f));

        OnnxRef q = linear(g, rnd, x, HIDDEN, HIDDEN, "q");
        OnnxRef k = linear(g, rnd, x, HIDDEN, HIDDEN, "k");
        OnnxRef v = linear(g, rnd, x, HIDDEN, HIDDEN, "v");
        int headDim = HIDDEN / HEADS;
        OnnxRef qh = g.transpose(splitHeads(g, q, headDim), 0, 2, 1, 3);
        OnnxRef kh = g.transpose(splitHeads(g, k, headDim), 0, 2, 3, 1);
        OnnxRef vh = g.transpose(splitHeads(g, v, headDim), 0, 2, 1, 3);
        OnnxRef scores = g.add(g.div(g.matMul(qh, kh), f(g, (float) Math.sqrt(headDim))), bias);
        OnnxRef probs = g.softmax(scores, -1);
        OnnxRef ctx = g.transpose(g.matMul(probs, vh), 0, 2, 1, 3);
        // Merge heads with a shape sliced out of Shape(ctx): [batch, seq] ++ [hidden].
        OnnxRef batchSeq = g.node("Slice", List.of(g.node("Shape", List.of(ctx), Map.of()), l(g, 0), l(g, 2)), Map.of());
        OnnxRef merged = g.node("Reshape", List.of(ctx, g.concat(0, batchSeq, l(g, HIDDEN))), Map.of());
        OnnxRef attn = linear(g, rnd, merged, HIDDEN, HIDDEN, "o");
        OnnxRef h1 = layerNorm(g, rnd, g.add(attn, x), "ln1");

        OnnxRef ff = linear(g, rnd, h1, HIDDEN, FFN, "ff1");
        OnnxRef gelu = g.mul(g.mul(ff, g.add(g.erf(g.div(ff, f(g, (float) Math.sqrt(2)))), f(g, 1f))), f(g, 0.5f));
        OnnxRef ff2 = linear(g, rnd, gelu, FFN, HIDDEN, "ff2");
        OnnxRef y = layerNorm(g, rnd, g.add(ff2, h1), "ln2");
        if (pooled) {
            g.output(g.reduceMean(y, new long[] {1}, false), "pooled", ElemType.FLOAT, "batch", (long) HIDDEN);
        } else {
            g.output(y, "y", ElemType.FLOAT, "batch", "seq", (long) HIDDEN);
        }
        return g.build();
    }

    /** [b, s, h] to [b, s, heads, h/heads] with the target shape computed from Shape/Gather/Unsqueeze/Concat, as exporters do. */
    private static OnnxRef splitHeads(GraphBuilder g, OnnxRef t, int headDim) {
        OnnxRef shape = g.node("Shape", List.of(t), Map.of());
        OnnxRef b = g.node("Gather", List.of(shape, lScalar(g, 0)), Map.of("axis", 0L));
        OnnxRef s = g.node("Gather", List.of(shape, lScalar(g, 1)), Map.of("axis", 0L));
        OnnxRef target = g.concat(0, g.unsqueeze(b, 0), g.unsqueeze(s, 0), l(g, HEADS), l(g, headDim));
        return g.node("Reshape", List.of(t, target), Map.of());
    }

    private static OnnxRef linear(GraphBuilder g, Random rnd, OnnxRef in, int from, int to, String name) {
        OnnxRef w = g.initializer(name + ".weight", gaussian(rnd, from * to, 1.0 / Math.sqrt(from)), from, to);
        OnnxRef b = g.initializer(name + ".bias", gaussian(rnd, to, 0.1), to);
        return g.add(b, g.matMul(in, w));
    }

    private static OnnxRef layerNorm(GraphBuilder g, Random rnd, OnnxRef in, String name) {
        OnnxRef mean = g.reduceMean(in, new long[] {-1}, true);
        OnnxRef d = g.sub(in, mean);
        OnnxRef var = g.reduceMean(g.node("Pow", List.of(d, f(g, 2f)), Map.of()), new long[] {-1}, true);
        OnnxRef norm = g.div(d, g.sqrt(g.add(var, f(g, 1e-5f))));
        float[] gamma = gaussian(rnd, HIDDEN, 0.1);
        for (int i = 0; i < gamma.length; i++) {
            gamma[i] += 1f;
        }
        OnnxRef w = g.initializer(name + ".weight", gamma, HIDDEN);
        OnnxRef b = g.initializer(name + ".bias", gaussian(rnd, HIDDEN, 0.1), HIDDEN);
        return g.add(g.mul(norm, w), b);
    }

    /** A float scalar as a Constant node, so it is not a trainable initializer. */
    static OnnxRef f(GraphBuilder g, float v) {
        return g.node("Constant", List.of(), Map.of("value", Tensors.floats(null, new float[] {v})));
    }

    /** An int64 vector of one value as a Constant node. */
    static OnnxRef l(GraphBuilder g, long v) {
        return g.node("Constant", List.of(), Map.of("value", Tensors.longs(null, new long[] {v}, 1)));
    }

    static OnnxRef lScalar(GraphBuilder g, long v) {
        return g.node("Constant", List.of(), Map.of("value", Tensors.longs(null, new long[] {v})));
    }

    static float[] gaussian(Random rnd, int n, double scale) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) (rnd.nextGaussian() * scale);
        }
        return out;
    }
}
