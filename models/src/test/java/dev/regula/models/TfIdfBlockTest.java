package dev.regula.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.regula.models.onnx.AttributeProto;
import dev.regula.models.onnx.NodeProto;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TfIdfBlockTest {
    // Pool: 1-grams {3}, {5}; 2-grams {3 5}, {5 3}. IDF chosen by hand.
    private static final List<long[]> POOL = List.of(new long[] {3}, new long[] {5}, new long[] {3, 5}, new long[] {5, 3});
    private static final float[] IDF = {1f, 2f, 3f, 4f};

    static OnnxModel model(TfIdfBlock b, int opset) {
        GraphBuilder g = GraphBuilder.create("tfidf", opset);
        OnnxRef ids = g.input("input_ids", ElemType.INT64, "batch", "tokens");
        OnnxRef mask = g.input("attention_mask", ElemType.INT64, "batch", "tokens");
        g.output(b.writeGraph(g, ids, mask), "features", ElemType.FLOAT, "batch", (long) b.size());
        return g.build();
    }

    @Test
    void countsIdfSublinearAndL2AcrossOpsets() throws Exception {
        // Padding holds pooled ids on purpose: the mask alone must keep them out.
        long[][] ids = {{3, 5, 3, 5, 3}, {5, 3, 3, 5, 3}};
        long[][] mask = {{1, 1, 1, 1, 0}, {1, 1, 1, 0, 0}};
        // row 0: 3->2, 5->2, (3 5)->2, (5 3)->1; row 1: 5->1, 3->2, (5 3)->1, (3 3) unpooled.
        double[][] tf = {{2, 2, 2, 1}, {2, 1, 0, 1}};
        for (int opset : new int[] {9, 11, 13, 17, 18, 21}) {
            for (boolean sub : new boolean[] {false, true}) {
                for (boolean l2 : new boolean[] {false, true}) {
                    TfIdfBlock b = new TfIdfBlock(POOL, IDF, 2, sub, l2);
                    OnnxModel m = model(b, opset);
                    assertThat(Checker.problems(m.proto())).as("opset %d", opset).isEmpty();
                    float[][] got = (float[][]) OrtSupport.run(m, Map.of("input_ids", ids, "attention_mask", mask)).get("features");
                    for (int r = 0; r < 2; r++) {
                        double[] want = new double[4];
                        double ss = 0;
                        for (int j = 0; j < 4; j++) {
                            want[j] = (sub ? Math.log1p(tf[r][j]) : tf[r][j]) * IDF[j];
                            ss += want[j] * want[j];
                        }
                        for (int j = 0; j < 4; j++) {
                            double w = l2 ? want[j] / Math.sqrt(ss) : want[j];
                            assertThat((double) got[r][j]).as("opset %d sub %s l2 %s row %d col %d", opset, sub, l2, r, j)
                                    .isCloseTo(w, within(1e-6));
                        }
                    }
                }
            }
        }
    }

    @Test
    void ngramCountsPointAtEachLengthsStartInIds() {
        TfIdfBlock b = new TfIdfBlock(List.of(new long[] {7}, new long[] {1, 2}, new long[] {1, 2, 3}), new float[] {1, 1, 1}, 3,
                false, false);
        NodeProto node = model(b, 17).proto().getGraph().getNodeList().stream()
                .filter(n -> n.getOpType().equals("TfIdfVectorizer")).findFirst().orElseThrow();
        Map<String, AttributeProto> a = new java.util.HashMap<>();
        node.getAttributeList().forEach(x -> a.put(x.getName(), x));
        assertThat(a.get("ngram_counts").getIntsList()).containsExactly(0L, 1L, 3L);
        assertThat(a.get("pool_int64s").getIntsList()).containsExactly(7L, 1L, 2L, 1L, 2L, 3L);
        assertThat(a.get("ngram_indexes").getIntsList()).containsExactly(0L, 1L, 2L);
        assertThat(a.get("mode").getS().toStringUtf8()).isEqualTo("TF");
    }

    @Test
    void badPoolsAndOldOpsetsAreRefused() {
        assertThatThrownBy(() -> new TfIdfBlock(List.of(), new float[0], 2, true, true)).hasMessageContaining("pool is empty");
        assertThatThrownBy(() -> new TfIdfBlock(List.of(new long[] {1, 2}, new long[] {3}), new float[2], 2, true, true))
                .hasMessageContaining("grouped by length");
        assertThatThrownBy(() -> new TfIdfBlock(List.of(new long[] {-1}), new float[1], 2, true, true))
                .hasMessageContaining("ids >= 0");
        assertThatThrownBy(() -> new TfIdfBlock(List.of(new long[] {1}), new float[2], 2, true, true))
                .hasMessageContaining("one weight per n-gram");
        TfIdfBlock ok = new TfIdfBlock(List.of(new long[] {1}), new float[] {1}, 1, true, true);
        assertThatThrownBy(() -> model(ok, 8)).isInstanceOf(OpsetException.class).hasMessageContaining("opset >= 9");
    }
}
