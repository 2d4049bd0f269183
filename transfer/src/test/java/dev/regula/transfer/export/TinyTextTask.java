package dev.regula.transfer.export;

import dev.regula.models.ElemType;
import dev.regula.models.GraphBuilder;
import dev.regula.models.OnnxRef;
import dev.regula.transfer.backbone.BackboneException;
import dev.regula.transfer.backbone.FeatureModel;
import dev.regula.transfer.backbone.FeatureModelBuilder;
import dev.regula.transfer.backbone.FeatureSpec;
import dev.regula.transfer.backbone.Pooling;
import dev.regula.transfer.backbone.TinyBackbones;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A tiny text task built in code: a backbone made with {@link GraphBuilder} (embedding Gather then
 * MatMul, inputs {@code input_ids} and {@code attention_mask}), its mean-pooled feature model, a
 * word-level tokenizer over {@code w1..w9}, and texts whose words depend on their class.
 */
final class TinyTextTask {
    static final int VOCAB = TinyBackbones.VOCAB;
    static final int K = 6;
    static final int D = 8;
    static final List<String> CLASSES = List.of("alpha", "beta", "gamma");
    static final String DATA_SHA = "ab".repeat(32);

    private TinyTextTask() {}

    /** The backbone at ai.onnx {@code opset}: {@code hidden = Gather(E, input_ids) · W}, [batch, seq, D]. */
    static GraphBuilder backbone(long seed, int opset) {
        SplittableRandom rng = new SplittableRandom(seed);
        GraphBuilder g = GraphBuilder.create("tiny_text", opset);
        OnnxRef ids = g.input("input_ids", ElemType.INT64, "batch", "seq");
        g.input("attention_mask", ElemType.INT64, "batch", "seq");
        OnnxRef e = g.initializer("E", random(rng, VOCAB, K));
        OnnxRef w = g.initializer("W", random(rng, K, D));
        OnnxRef hidden = g.matMul(g.gather(e, ids, 0), w);
        g.output(hidden, "hidden", ElemType.FLOAT, "batch", "seq", (long) D);
        return g;
    }

    static FeatureModel featureModel(long seed, int opset, boolean l2) throws BackboneException {
        return FeatureModelBuilder.build(backbone(seed, opset).build().proto(), "cd".repeat(32), "tiny-test",
                new FeatureSpec("hidden", Pooling.MEAN, l2));
    }

    static Path tokenizer(Path dir) throws IOException {
        return TinyBackbones.writeTokenizer(dir);
    }

    /** Texts of 2..8 words; class c draws 80% of its words from {@code w(3c+1)..w(3c+3)}. */
    static List<String> texts(long seed, int n, int[] labelsOut) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int c = i % CLASSES.size();
            labelsOut[i] = c;
            int len = 2 + rng.nextInt(7);
            StringBuilder s = new StringBuilder();
            for (int t = 0; t < len; t++) {
                int word = rng.nextDouble() < 0.8 ? 3 * c + 1 + rng.nextInt(3) : 1 + rng.nextInt(VOCAB - 1);
                s.append(t == 0 ? "" : " ").append('w').append(word);
            }
            out.add(s.toString());
        }
        return out;
    }

    private static float[][] random(SplittableRandom rng, int rows, int cols) {
        float[][] m = new float[rows][cols];
        for (float[] row : m) {
            for (int j = 0; j < cols; j++) {
                row[j] = (float) (rng.nextDouble() * 2 - 1);
            }
        }
        return m;
    }
}
