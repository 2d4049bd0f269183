package dev.regula.pipeline.run;

import dev.regula.models.ElemType;
import dev.regula.models.GraphBuilder;
import dev.regula.models.OnnxModel;
import dev.regula.models.OnnxRef;
import dev.regula.models.Tensors;
import dev.regula.models.onnx.ModelProto;
import dev.regula.models.onnx.NodeProto;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A two-layer BERT-style text encoder over {@link TinyPipeline}'s vocabulary, written as PyTorch
 * exports one at opset 11 (attention with an additive mask, LayerNorm spelled out, GELU via Erf,
 * the int64 shape plumbing that splits heads), its layer nodes named {@code /encoder/layer.K/...}
 * so that layer boundaries are found as in a real export. Inputs input_ids and attention_mask,
 * output last_hidden_state [batch, seq, 8].
 */
final class TinyEncoder {
    static final int HIDDEN = 8;
    static final int HEADS = 2;
    static final int FFN = 16;
    static final int LAYERS = 2;

    private TinyEncoder() {
    }

    static void write(Path file, long seed) throws Exception {
        Random rnd = new Random(seed);
        GraphBuilder g = GraphBuilder.create("tiny_encoder", 11);
        OnnxRef ids = g.input("input_ids", ElemType.INT64, "batch", "seq");
        OnnxRef mask = g.input("attention_mask", ElemType.INT64, "batch", "seq");
        OnnxRef x = g.gather(g.initializer("embeddings.word", gaussian(rnd, TinyPipeline.VOCAB * HIDDEN, 1.0), TinyPipeline.VOCAB,
                HIDDEN), ids, 0);
        OnnxRef m = g.cast(g.unsqueeze(g.unsqueeze(mask, 1), 2), ElemType.FLOAT);
        OnnxRef bias = g.mul(g.sub(f(g, 1f), m), f(g, -10000f));
        List<String> starts = new ArrayList<>();
        for (int k = 0; k < LAYERS; k++) {
            x = layer(g, rnd, x, bias, "encoder.layer." + k + ".", starts);
        }
        g.output(x, "last_hidden_state", ElemType.FLOAT, "batch", "seq", (long) HIDDEN);
        ModelProto.Builder p = g.build().proto().toBuilder();
        int layer = -1;
        for (int i = 0; i < p.getGraph().getNodeCount(); i++) {
            NodeProto n = p.getGraph().getNode(i);
            if (layer + 1 < starts.size() && n.getOutputList().contains(starts.get(layer + 1))) {
                layer++;
            }
            if (layer >= 0) {
                p.getGraphBuilder().setNode(i, n.toBuilder().setName("/encoder/layer." + layer + "/" + n.getName()));
            }
        }
        OnnxModel.of(p.build()).write(file);
    }

    private static OnnxRef layer(GraphBuilder g, Random rnd, OnnxRef x, OnnxRef bias, String name, List<String> starts) {
        OnnxRef wq = g.initializer(name + "q.weight", gaussian(rnd, HIDDEN * HIDDEN, 1.0 / Math.sqrt(HIDDEN)), HIDDEN, HIDDEN);
        OnnxRef first = g.matMul(x, wq);
        starts.add(first.name());
        OnnxRef q = g.add(g.initializer(name + "q.bias", gaussian(rnd, HIDDEN, 0.1), HIDDEN), first);
        OnnxRef k = linear(g, rnd, x, HIDDEN, HIDDEN, name + "k");
        OnnxRef v = linear(g, rnd, x, HIDDEN, HIDDEN, name + "v");
        int headDim = HIDDEN / HEADS;
        OnnxRef qh = g.transpose(splitHeads(g, q, headDim), 0, 2, 1, 3);
        OnnxRef kh = g.transpose(splitHeads(g, k, headDim), 0, 2, 3, 1);
        OnnxRef vh = g.transpose(splitHeads(g, v, headDim), 0, 2, 1, 3);
        OnnxRef scores = g.add(g.div(g.matMul(qh, kh), f(g, (float) Math.sqrt(headDim))), bias);
        OnnxRef ctx = g.transpose(g.matMul(g.softmax(scores, -1), vh), 0, 2, 1, 3);
        OnnxRef batchSeq = g.node("Slice", List.of(g.node("Shape", List.of(ctx), Map.of()), l(g, 0), l(g, 2)), Map.of());
        OnnxRef merged = g.node("Reshape", List.of(ctx, g.concat(0, batchSeq, l(g, HIDDEN))), Map.of());
        OnnxRef h1 = layerNorm(g, rnd, g.add(linear(g, rnd, merged, HIDDEN, HIDDEN, name + "o"), x), name + "ln1");
        OnnxRef ff = linear(g, rnd, h1, HIDDEN, FFN, name + "ff1");
        OnnxRef gelu = g.mul(g.mul(ff, g.add(g.erf(g.div(ff, f(g, (float) Math.sqrt(2)))), f(g, 1f))), f(g, 0.5f));
        return layerNorm(g, rnd, g.add(linear(g, rnd, gelu, FFN, HIDDEN, name + "ff2"), h1), name + "ln2");
    }

    private static OnnxRef splitHeads(GraphBuilder g, OnnxRef t, int headDim) {
        OnnxRef shape = g.node("Shape", List.of(t), Map.of());
        OnnxRef b = g.node("Gather", List.of(shape, lScalar(g, 0)), Map.of("axis", 0L));
        OnnxRef s = g.node("Gather", List.of(shape, lScalar(g, 1)), Map.of("axis", 0L));
        return g.node("Reshape", List.of(t, g.concat(0, g.unsqueeze(b, 0), g.unsqueeze(s, 0), l(g, HEADS), l(g, headDim))), Map.of());
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
        return g.add(g.mul(norm, g.initializer(name + ".weight", gamma, HIDDEN)), g.initializer(name + ".bias", gaussian(rnd, HIDDEN, 0.1), HIDDEN));
    }

    private static OnnxRef f(GraphBuilder g, float v) {
        return g.node("Constant", List.of(), Map.of("value", Tensors.floats(null, new float[] {v})));
    }

    private static OnnxRef l(GraphBuilder g, long v) {
        return g.node("Constant", List.of(), Map.of("value", Tensors.longs(null, new long[] {v}, 1)));
    }

    private static OnnxRef lScalar(GraphBuilder g, long v) {
        return g.node("Constant", List.of(), Map.of("value", Tensors.longs(null, new long[] {v})));
    }

    private static float[] gaussian(Random rnd, int n, double scale) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) (rnd.nextGaussian() * scale);
        }
        return out;
    }
}
