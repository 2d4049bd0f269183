package dev.regula.transfer.lexical;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.regula.models.Checker;
import dev.regula.models.OnnxModel;
import dev.regula.transfer.backbone.TinyBackbones;
import dev.regula.transfer.encode.BatchTensor;
import dev.regula.transfer.encode.ModelInput;
import dev.regula.transfer.encode.TextEncoder;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.LongBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LexicalVectorizerTest {
    private static final Path SPAM = Path.of("../examples/spam/spamassassin.jsonl.gz");
    private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

    private static LexicalSpec spec(int ngramMax, int maxFeatures, int minDf, double maxDf, boolean sublinear) {
        return new LexicalSpec(ngramMax, maxFeatures, minDf, maxDf, sublinear, 512);
    }

    private static TokenWindow doc(long... ids) {
        return TokenWindow.unpadded(ids);
    }

    @Test
    void handComputedCountsIdfSublinearAndL2() throws Exception {
        // train: {1 2 1}, {2 3}; n = 2. Unigram df: 1->1, 2->2, 3->1; bigrams (1,2),(2,1),(2,3) df 1.
        List<TokenWindow> train = List.of(doc(1, 2, 1), doc(2, 3));
        LexicalVectorizer v = LexicalVectorizer.fit(train, spec(2, 0, 1, 1.0, false));
        assertThat(v.block().pool()).containsExactly(new long[] {1}, new long[] {2}, new long[] {3},
                new long[] {1, 2}, new long[] {2, 1}, new long[] {2, 3});
        double rare = Math.log(3.0 / 2.0) + 1; // df 1
        double common = Math.log(3.0 / 3.0) + 1; // df 2
        assertThat(v.block().idf()[0]).isCloseTo((float) rare, within(1e-6f));
        assertThat(v.block().idf()[1]).isCloseTo((float) common, within(1e-6f));

        // doc {1 2 1}: tf 1->2, 2->1, (1,2)->1, (2,1)->1
        double[] raw = {2 * rare, 1 * common, 0, rare, rare, 0};
        assertRowsEqual(v.transform(doc(1, 2, 1)), l2(raw));
        assertRowsEqual(ort(v, new long[][] {{1, 2, 1}}, new long[][] {{1, 1, 1}})[0], l2(raw));

        LexicalVectorizer s = LexicalVectorizer.fit(train, spec(2, 0, 1, 1.0, true));
        double[] sub = {Math.log(3) * rare, Math.log(2) * common, 0, Math.log(2) * rare, Math.log(2) * rare, 0};
        assertRowsEqual(s.transform(doc(1, 2, 1)), l2(sub));
        assertRowsEqual(ort(s, new long[][] {{1, 2, 1}}, new long[][] {{1, 1, 1}})[0], l2(sub));
        // Nothing pooled: an all-zero row, not NaN.
        assertRowsEqual(ort(s, new long[][] {{7, 8}}, new long[][] {{1, 1}})[0], new double[6]);
    }

    @Test
    void maxFeaturesKeepsMostFrequentWithDeterministicTies() {
        // total counts 5->3, 4->2 (df 2), 6->2 (df 1), 7->1, 8->1: the count tie 4/6 goes to the larger df,
        // the full tie 7/8 to the smaller id.
        List<TokenWindow> train = List.of(doc(5, 5, 4), doc(5, 4, 6, 6), doc(7, 8));
        LexicalVectorizer v = LexicalVectorizer.fit(train, spec(1, 4, 1, 1.0, true));
        assertThat(v.block().pool()).containsExactly(new long[] {4}, new long[] {5}, new long[] {6}, new long[] {7});
        List<TokenWindow> shuffled = List.of(doc(7, 8), doc(5, 4, 6, 6), doc(5, 5, 4));
        assertThat(LexicalVectorizer.fit(shuffled, spec(1, 4, 1, 1.0, true)).block().pool())
                .containsExactlyElementsOf(v.block().pool());
    }

    @Test
    void documentFrequencyFiltersAndEmptyGramLevelsRunInOrt() throws Exception {
        // min_df 2 drops the n-grams of one document (3, 4, (2,3), (2,4)); max_df 0.5 allows df <= 2.
        List<TokenWindow> train = List.of(doc(1, 2, 3), doc(1, 2, 4), doc(5, 6), doc(5, 6));
        LexicalVectorizer v = LexicalVectorizer.fit(train, spec(2, 0, 2, 0.5, false));
        assertThat(v.block().pool()).containsExactly(new long[] {1}, new long[] {2}, new long[] {5}, new long[] {6},
                new long[] {1, 2}, new long[] {5, 6});
        // max_df 0.6 of 4 documents drops unigrams 1 (df 4) and 2 (df 3): a pool of bigrams alone,
        // so TfIdfVectorizer sees an empty 1-gram level.
        LexicalVectorizer onlyBigrams = LexicalVectorizer.fit(List.of(doc(1, 2), doc(1, 2), doc(1, 3), doc(2, 1)),
                spec(2, 0, 2, 0.6, false));
        assertThat(onlyBigrams.block().pool()).containsExactly(new long[] {1, 2});
        long[][] ids = {{1, 2, 1, 2}, {2, 1, 0, 0}};
        long[][] mask = {{1, 1, 1, 1}, {1, 1, 0, 0}};
        float[][] got = ort(onlyBigrams, ids, mask);
        for (int r = 0; r < ids.length; r++) {
            assertRowsEqual(got[r], toDouble(onlyBigrams.transform(new TokenWindow(ids[r], mask[r]))));
        }
        assertThatThrownBy(() -> LexicalVectorizer.fit(train, spec(1, 0, 3, 1.0, false)))
                .hasMessageContaining("lexical.min_df=3");
    }

    @Test
    void vocabularyComesFromTrainRowsOnly(@TempDir Path dir) throws Exception {
        try (TextEncoder enc = TextEncoder.open(TinyBackbones.writeTokenizer(dir), 64, true)) {
            List<TokenWindow> train = windows(enc, List.of("w1 w2 w3", "w2 w3 w4", "w1 w1 w5"));
            List<TokenWindow> heldOut = windows(enc, List.of("w9 w9 w9 w8", "w9 w1"));
            LexicalVectorizer v = LexicalVectorizer.fit(train, spec(2, 0, 1, 1.0, true));
            // w9 (id 9) and w8 (id 8) occur only in held-out rows.
            assertThat(v.block().pool()).noneMatch(g -> contains(g, 9) || contains(g, 8));
            // Other held-out rows change nothing: the caller fits on train alone, and the fit is a function of train.
            LexicalVectorizer again = LexicalVectorizer.fit(train, spec(2, 0, 1, 1.0, true));
            assertThat(again.block().pool()).containsExactlyElementsOf(v.block().pool());
            assertThat(again.block().idf()).containsExactly(v.block().idf());
            assertThat(v.transform(heldOut.get(0))).containsOnly(0f);
        }
    }

    @Test
    void paddingIsNoToken() throws Exception {
        // Pad id 1 is a pooled id: masked positions must still count nothing, in Java and in ONNX.
        LexicalVectorizer v = LexicalVectorizer.fit(List.of(doc(1, 2), doc(2, 3, 1)), spec(2, 0, 1, 1.0, true));
        float[] unpadded = v.transform(doc(2, 3));
        float[] padded = v.transform(new TokenWindow(new long[] {2, 3, 1, 1}, new long[] {1, 1, 0, 0}));
        assertThat(padded).containsExactly(unpadded);
        float[][] got = ort(v, new long[][] {{2, 3, 1, 1}}, new long[][] {{1, 1, 0, 0}});
        assertRowsEqual(got[0], toDouble(unpadded));
    }

    @Test
    void onnxMatchesJavaReferenceOnSpamWithMiniLmTokenizer(@TempDir Path dir) throws Exception {
        Path tok = dir.resolve("tokenizer.json");
        try (InputStream in = LexicalVectorizerTest.class.getResourceAsStream("/all-minilm-l6-v2-tokenizer.json")) {
            Files.copy(in, tok);
        }
        List<String> texts = spamTexts(240);
        try (TextEncoder enc = TextEncoder.open(tok, 512, true)) {
            List<TextEncoder.Tokens> tokens = enc.encodeAll(texts);
            List<TokenWindow> train = new ArrayList<>();
            for (int i = 0; i < 160; i++) {
                train.add(new TokenWindow(tokens.get(i).ids(), tokens.get(i).mask()));
            }
            LexicalVectorizer v = LexicalVectorizer.fit(train, spec(2, 3000, 2, 0.95, true));
            assertThat(v.size()).isEqualTo(3000);
            OnnxModel m = v.featureModel(17);
            assertThat(Checker.problems(m.proto())).isEmpty();
            List<ModelInput> inputs = List.of(new ModelInput(TextEncoder.INPUT_IDS, dev.regula.models.ElemType.INT64, List.of("batch", "tokens")),
                    new ModelInput(TextEncoder.ATTENTION_MASK, dev.regula.models.ElemType.INT64, List.of("batch", "tokens")));
            try (OrtSession s = ENV.createSession(m.toBytes(), new OrtSession.SessionOptions())) {
                double worst = 0;
                for (int start = 0; start < tokens.size(); start += 16) {
                    List<TextEncoder.Tokens> batch = tokens.subList(start, Math.min(tokens.size(), start + 16));
                    Map<String, BatchTensor> t = enc.collate(batch, inputs);
                    float[][] got = run(s, t.get(TextEncoder.INPUT_IDS), t.get(TextEncoder.ATTENTION_MASK));
                    for (int r = 0; r < batch.size(); r++) {
                        float[] want = v.transform(new TokenWindow(batch.get(r).ids(), batch.get(r).mask()));
                        for (int j = 0; j < want.length; j++) {
                            worst = Math.max(worst, Math.abs(got[r][j] - want[j]));
                        }
                    }
                }
                assertThat(worst).isLessThanOrEqualTo(1e-5);
            }
        }
    }

    private static float[][] run(OrtSession s, BatchTensor ids, BatchTensor mask) throws Exception {
        long[] shape = ids.shape();
        try (OnnxTensor i = OnnxTensor.createTensor(ENV, LongBuffer.wrap(ids.longs()), shape);
             OnnxTensor m = OnnxTensor.createTensor(ENV, LongBuffer.wrap(mask.longs()), shape);
             OrtSession.Result r = s.run(Map.of(TextEncoder.INPUT_IDS, i, TextEncoder.ATTENTION_MASK, m))) {
            return (float[][]) r.get(0).getValue();
        }
    }

    private static float[][] ort(LexicalVectorizer v, long[][] ids, long[][] mask) throws Exception {
        OnnxModel m = v.featureModel(17);
        assertThat(Checker.problems(m.proto())).isEmpty();
        int b = ids.length;
        int len = ids[0].length;
        long[] fi = new long[b * len];
        long[] fm = new long[b * len];
        for (int r = 0; r < b; r++) {
            System.arraycopy(ids[r], 0, fi, r * len, len);
            System.arraycopy(mask[r], 0, fm, r * len, len);
        }
        try (OrtSession s = ENV.createSession(m.toBytes(), new OrtSession.SessionOptions())) {
            return run(s, BatchTensor.ofLongs(fi, b, len), BatchTensor.ofLongs(fm, b, len));
        }
    }

    private static List<TokenWindow> windows(TextEncoder enc, List<String> texts) {
        return enc.encodeAll(texts).stream().map(t -> new TokenWindow(t.ids(), t.mask())).toList();
    }

    private static boolean contains(long[] gram, long id) {
        for (long x : gram) {
            if (x == id) {
                return true;
            }
        }
        return false;
    }

    private static double[] l2(double[] x) {
        double ss = 0;
        for (double v : x) {
            ss += v * v;
        }
        double n = Math.sqrt(ss);
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i] / n;
        }
        return out;
    }

    private static double[] toDouble(float[] x) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i];
        }
        return out;
    }

    private static void assertRowsEqual(float[] got, double[] want) {
        assertThat(got).hasSize(want.length);
        for (int j = 0; j < want.length; j++) {
            assertThat((double) got[j]).as("column %d", j).isCloseTo(want[j], within(1e-6));
        }
    }

    static List<String> spamTexts(int n) throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        List<String> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(SPAM)),
                StandardCharsets.UTF_8))) {
            for (String line; out.size() < n && (line = r.readLine()) != null; ) {
                out.add(json.readTree(line).get("text").asText());
            }
        }
        return out;
    }
}
