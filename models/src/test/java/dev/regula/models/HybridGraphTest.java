package dev.regula.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HybridGraphTest {
    private static final long SEP = 102;

    /** A stand-in backbone: features = [sum(ids * mask), last id] as floats, so the cut shows in both. */
    private static OnnxModel toyNeural(int opset) {
        GraphBuilder g = GraphBuilder.create("toy", opset);
        OnnxRef ids = g.input("input_ids", ElemType.INT64, "batch", "tokens");
        OnnxRef mask = g.input("attention_mask", ElemType.INT64, "batch", "tokens");
        OnnxRef sum = g.cast(g.reduceSum(g.mul(ids, mask), new long[] {1}, true), ElemType.FLOAT);
        OnnxRef last = g.cast(g.gather(ids, g.initializer("lastpos", new long[] {3}, 1), 1), ElemType.FLOAT);
        g.output(g.concat(1, sum, last), "pooled", ElemType.FLOAT, "batch", 2L);
        return g.build();
    }

    @Test
    void neuralSeesTheCutLexicalTheWholeWindowEachScaled() throws Exception {
        TfIdfBlock tfidf = new TfIdfBlock(List.of(new long[] {5}, new long[] {9}), new float[] {1f, 1f}, 1, false, false);
        for (int opset : new int[] {11, 13, 17}) {
            OnnxModel m = new HybridGraph(new TokenWindowSlice(4, SEP), tfidf, 2f, 0.5f).compose(toyNeural(opset), "pooled", 2);
            assertThat(Checker.problems(m.proto())).as("opset %d", opset).isEmpty();
            long[][] ids = {{101, 5, 5, 5, 9, SEP}, {101, 5, SEP, 0, 0, 0}};
            long[][] mask = {{1, 1, 1, 1, 1, 1}, {1, 1, 1, 0, 0, 0}};
            float[][] got = (float[][]) OrtSupport.run(m, Map.of("input_ids", ids, "attention_mask", mask)).get("features");
            // Row 0 cut: [101 5 5 SEP] -> sum 213, last SEP; lexical over all 6: 5 x3, 9 x1.
            float[][] want = {{2 * 213f, 2 * SEP, 0.5f * 3, 0.5f * 1}, {2 * 208f, 0f, 0.5f * 1, 0f}};
            for (int r = 0; r < 2; r++) {
                for (int j = 0; j < 4; j++) {
                    assertThat(got[r][j]).as("opset %d row %d col %d", opset, r, j).isCloseTo(want[r][j], within(1e-5f));
                }
            }
        }
    }

    @Test
    void rejectsNonPositiveScales() {
        TfIdfBlock tfidf = new TfIdfBlock(List.of(new long[] {5}), new float[] {1f}, 1, false, false);
        assertThatThrownBy(() -> new HybridGraph(new TokenWindowSlice(4, SEP), tfidf, 0f, 1f))
                .hasMessageContaining("block scales must be finite and > 0");
    }
}
