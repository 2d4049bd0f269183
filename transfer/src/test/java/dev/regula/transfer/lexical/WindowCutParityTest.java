package dev.regula.transfer.lexical;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.regula.models.ElemType;
import dev.regula.models.GraphBuilder;
import dev.regula.models.OnnxRef;
import dev.regula.models.TokenWindowSlice;
import dev.regula.transfer.encode.TextEncoder;
import java.io.InputStream;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hybrid graph's in-graph cut of a 512-token encoding equals the tokenizer's own 128-token encoding. */
class WindowCutParityTest {
    private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();
    private static final long MINILM_SEP = 102;

    @Test
    void cutOf512EncodingEquals128EncodingOnSpamWithMiniLmTokenizer(@TempDir Path dir) throws Exception {
        Path tok = dir.resolve("tokenizer.json");
        try (InputStream in = WindowCutParityTest.class.getResourceAsStream("/all-minilm-l6-v2-tokenizer.json")) {
            Files.copy(in, tok);
        }
        List<String> texts = LexicalVectorizerTest.spamTexts(240);
        GraphBuilder g = GraphBuilder.create("cut", 17);
        OnnxRef ids = g.input("input_ids", ElemType.INT64, "batch", "tokens");
        OnnxRef mask = g.input("attention_mask", ElemType.INT64, "batch", "tokens");
        List<OnnxRef> cut = new TokenWindowSlice(128, MINILM_SEP).writeGraph(g, ids, mask);
        g.output(cut.get(0), "ids", ElemType.INT64, "batch", 128L);
        g.output(cut.get(1), "mask", ElemType.INT64, "batch", 128L);
        int longer = 0;
        try (TextEncoder long512 = TextEncoder.open(tok, 512, true); TextEncoder short128 = TextEncoder.open(tok, 128, true);
             OrtSession s = ENV.createSession(g.build().toBytes(), new OrtSession.SessionOptions())) {
            List<TextEncoder.Tokens> wide = long512.encodeAll(texts);
            List<TextEncoder.Tokens> narrow = short128.encodeAll(texts);
            for (int r = 0; r < texts.size(); r++) {
                TextEncoder.Tokens w = wide.get(r);
                TextEncoder.Tokens n = narrow.get(r);
                longer += w.ids().length > 128 ? 1 : 0;
                long[][] got = run(s, w.ids(), w.mask());
                for (int j = 0; j < 128; j++) {
                    long wantId = j < n.ids().length ? n.ids()[j] : 0;
                    long wantMask = j < n.mask().length ? n.mask()[j] : 0;
                    assertThat(got[0][j]).as("text %d id %d", r, j).isEqualTo(wantId);
                    assertThat(got[1][j]).as("text %d mask %d", r, j).isEqualTo(wantMask);
                }
            }
        }
        assertThat(longer).as("texts past 128 tokens, so the [SEP] restore is exercised").isGreaterThan(10);
    }

    private static long[][] run(OrtSession s, long[] ids, long[] mask) throws Exception {
        long[] shape = {1, ids.length};
        try (OnnxTensor i = OnnxTensor.createTensor(ENV, LongBuffer.wrap(ids), shape);
             OnnxTensor m = OnnxTensor.createTensor(ENV, LongBuffer.wrap(mask), shape);
             OrtSession.Result res = s.run(Map.of(TextEncoder.INPUT_IDS, i, TextEncoder.ATTENTION_MASK, m))) {
            return new long[][] {((long[][]) res.get(0).getValue())[0], ((long[][]) res.get(1).getValue())[0]};
        }
    }
}
