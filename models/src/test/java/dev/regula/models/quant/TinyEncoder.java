package dev.regula.models.quant;

import dev.regula.models.ElemType;
import dev.regula.models.GraphBuilder;
import dev.regula.models.OnnxModel;
import dev.regula.models.OnnxRef;
import dev.regula.models.runtime.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A tiny two-layer encoder built with {@link GraphBuilder}: {@code Gather(E, ids) -> MatMul W1 -> +b1
 * -> Relu -> MatMul W2 -> out [batch, seq, 6]}, seeded weights, for quantization tests.
 */
public final class TinyEncoder {
    public static final int VOCAB = 20;
    public static final int K = 8;
    public static final int H = 16;
    public static final int D = 6;

    private TinyEncoder() {
    }

    public static OnnxModel model(int opset, long seed) {
        return model(opset, seed, 1f);
    }

    /** The encoder with embedding channel 0 multiplied by {@code outlier}, as MiniLM's LayerNorm outputs have a few huge channels. */
    public static OnnxModel model(int opset, long seed, float outlier) {
        Random r = new Random(seed);
        GraphBuilder g = GraphBuilder.create("tiny_encoder", opset);
        OnnxRef ids = g.input("input_ids", ElemType.INT64, "batch", "seq");
        float[][] e = random(r, VOCAB, K);
        for (float[] row : e) {
            row[0] *= outlier;
        }
        OnnxRef emb = g.gather(g.initializer("E", e), ids, 0);
        OnnxRef h = g.relu(g.add(g.matMul(emb, g.initializer("W1", random(r, K, H))),
                g.initializer("b1", random(r, 1, H)[0], H)));
        g.output(g.matMul(h, g.initializer("W2", random(r, H, D))), "out", ElemType.FLOAT, "batch", "seq", D);
        return g.build();
    }

    /** {@code n} batches of {@code size} rows of {@code seq} token ids, from {@code seed}. */
    public static List<Map<String, Tensor>> batches(int n, int size, int seq, long seed) {
        Random r = new Random(seed);
        List<Map<String, Tensor>> out = new ArrayList<>();
        for (int b = 0; b < n; b++) {
            out.add(Map.of("input_ids", Tensor.ofLongs(ids(r, size * seq), size, seq)));
        }
        return out;
    }

    static long[] ids(Random r, int n) {
        long[] ids = new long[n];
        for (int i = 0; i < n; i++) {
            ids[i] = r.nextInt(VOCAB);
        }
        return ids;
    }

    private static float[][] random(Random r, int rows, int cols) {
        float[][] m = new float[rows][cols];
        for (float[] row : m) {
            for (int j = 0; j < cols; j++) {
                row[j] = (float) r.nextGaussian();
            }
        }
        return m;
    }
}
