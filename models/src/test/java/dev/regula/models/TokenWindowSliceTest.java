package dev.regula.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TokenWindowSliceTest {
    private static final long CLS = 101;
    private static final long SEP = 102;

    static OnnxModel model(TokenWindowSlice s, int opset) {
        GraphBuilder g = GraphBuilder.create("slice", opset);
        OnnxRef ids = g.input("input_ids", ElemType.INT64, "batch", "tokens");
        OnnxRef mask = g.input("attention_mask", ElemType.INT64, "batch", "tokens");
        List<OnnxRef> out = s.writeGraph(g, ids, mask);
        g.output(out.get(0), "ids", ElemType.INT64, "batch", (long) s.window());
        g.output(out.get(1), "mask", ElemType.INT64, "batch", (long) s.window());
        return g.build();
    }

    @Test
    void cutEqualsTheTokenizersShortEncodingAcrossOpsets() throws Exception {
        // Long window of 7 tokens, backbone window 4. Row 0 runs past the cut; row 1 ends exactly at it
        // ([CLS] a b [SEP]); row 2 is short and padded.
        long[][] ids = {{CLS, 1, 2, 3, 4, 5, SEP}, {CLS, 1, 2, SEP, 0, 0, 0}, {CLS, 7, SEP, 0, 0, 0, 0}};
        long[][] mask = {{1, 1, 1, 1, 1, 1, 1}, {1, 1, 1, 1, 0, 0, 0}, {1, 1, 1, 0, 0, 0, 0}};
        // What a 4-token encoding of the same texts gives.
        long[][] wantIds = {{CLS, 1, 2, SEP}, {CLS, 1, 2, SEP}, {CLS, 7, SEP, 0}};
        long[][] wantMask = {{1, 1, 1, 1}, {1, 1, 1, 1}, {1, 1, 1, 0}};
        for (int opset : new int[] {9, 11, 13, 17, 21}) {
            OnnxModel m = model(new TokenWindowSlice(4, SEP), opset);
            assertThat(Checker.problems(m.proto())).as("opset %d", opset).isEmpty();
            Map<String, Object> got = OrtSupport.run(m, Map.of("input_ids", ids, "attention_mask", mask));
            assertThat((long[][]) got.get("ids")).as("opset %d", opset).isDeepEqualTo(wantIds);
            assertThat((long[][]) got.get("mask")).as("opset %d", opset).isDeepEqualTo(wantMask);
        }
    }

    @Test
    void inputsShorterThanTheWindowArePadded() throws Exception {
        long[][] ids = {{CLS, SEP}};
        long[][] mask = {{1, 1}};
        Map<String, Object> got = OrtSupport.run(model(new TokenWindowSlice(4, SEP), 13),
                Map.of("input_ids", ids, "attention_mask", mask));
        assertThat((long[][]) got.get("ids")).isDeepEqualTo(new long[][] {{CLS, SEP, 0, 0}});
        assertThat((long[][]) got.get("mask")).isDeepEqualTo(new long[][] {{1, 1, 0, 0}});
    }

    @Test
    void withoutAnEndTokenTheCutIsTheFirstTokens() throws Exception {
        long[][] ids = {{5, 6, 7, 8, 9}, {5, 6, 0, 0, 0}};
        long[][] mask = {{1, 1, 1, 1, 1}, {1, 1, 0, 0, 0}};
        Map<String, Object> got = OrtSupport.run(model(new TokenWindowSlice(3, TokenWindowSlice.NO_END_TOKEN), 13),
                Map.of("input_ids", ids, "attention_mask", mask));
        assertThat((long[][]) got.get("ids")).isDeepEqualTo(new long[][] {{5, 6, 7}, {5, 6, 0}});
        assertThat((long[][]) got.get("mask")).isDeepEqualTo(new long[][] {{1, 1, 1}, {1, 1, 0}});
        assertThatThrownBy(() -> new TokenWindowSlice(3, -2)).hasMessageContaining("NO_END_TOKEN");
    }

    @Test
    void rejectsAWindowWithNoRoomForSpecialTokens() {
        assertThatThrownBy(() -> new TokenWindowSlice(1, SEP)).hasMessageContaining("window must be >= 2");
    }
}
