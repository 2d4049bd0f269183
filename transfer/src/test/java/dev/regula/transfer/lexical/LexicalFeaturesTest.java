package dev.regula.transfer.lexical;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.regula.models.Checker;
import dev.regula.models.Hashing;
import dev.regula.transfer.backbone.TinyBackbones;
import dev.regula.transfer.data.Dataset;
import dev.regula.transfer.data.DatasetFormat;
import dev.regula.transfer.data.DatasetReader;
import dev.regula.transfer.data.DatasetSpec;
import dev.regula.transfer.data.SplitSpec;
import dev.regula.transfer.encode.TextEncoder;
import dev.regula.transfer.features.FeatureMatrix;
import java.nio.LongBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LexicalFeaturesTest {
    private static final LexicalSpec SPEC = new LexicalSpec(2, 0, 1, 1.0, true, 16);

    /** Rows of words w1..w7 in train; val/test rows hold {@code heldOutWord} (w8 or w9), seen nowhere in train. */
    private static Path data(Path dir, String name, String heldOutWord, long seed) throws Exception {
        Random r = new Random(seed);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String split = i < 24 ? "train" : i < 32 ? "val" : "test";
            StringBuilder text = new StringBuilder();
            int n = 2 + r.nextInt(20);
            for (int k = 0; k < n; k++) {
                text.append(k == 0 ? "" : " ").append("w").append(1 + r.nextInt(7));
            }
            if (!split.equals("train")) {
                text.append(' ').append(heldOutWord);
            }
            lines.add("{\"text\": \"" + text + "\", \"label\": \"" + (i % 2 == 0 ? "spam" : "ham") + "\", \"split\": \"" + split + "\"}");
        }
        Path f = dir.resolve(name + ".jsonl");
        Files.write(f, lines, StandardCharsets.UTF_8);
        return f;
    }

    private static LexicalFeatures.Result extract(Path dir, Path tok, Path file, String out) throws Exception {
        Dataset d = DatasetReader.read(DatasetSpec.of(file, DatasetFormat.JSONL).withSplitField("split"));
        return LexicalFeatures.extractTo(dir.resolve(out), tok, Hashing.sha256(tok), d, SplitSpec.byField(), SPEC, 17);
    }

    @Test
    void vocabularyIgnoresValAndTestRowsAndStoreMatchesTheFeatureModel(@TempDir Path dir) throws Exception {
        Path tok = TinyBackbones.writeTokenizer(dir);
        // The same train rows (same seed) with different held-out rows.
        LexicalFeatures.Result a = extract(dir, tok, data(dir, "a", "w8", 5), "a");
        LexicalFeatures.Result b = extract(dir, tok, data(dir, "b", "w9", 5), "b");
        assertThat(a.vectorizer().block().pool()).noneMatch(g -> contains(g, 8) || contains(g, 9));
        assertThat(b.vectorizer().block().pool()).containsExactlyElementsOf(a.vectorizer().block().pool());
        assertThat(b.vectorizer().block().idf()).containsExactly(a.vectorizer().block().idf());
        assertThat(b.featureModel().proto().toByteArray()).isEqualTo(a.featureModel().proto().toByteArray());
        assertThat(a.store().split("train").toArray()).containsExactly(b.store().split("train").toArray());
        assertThat(Checker.problems(a.featureModel().proto())).isEmpty();
        assertThat(a.featureModel().metadata()).containsEntry("regula.lexical.vocabulary_size", Integer.toString(a.vectorizer().size()))
                .containsEntry("regula.lexical.train_docs", "24").containsKey("regula.lexical.tokenizer.sha256");

        // Every stored row equals the exported feature model run on the same text.
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        Dataset d = DatasetReader.read(DatasetSpec.of(dir.resolve("a.jsonl"), DatasetFormat.JSONL).withSplitField("split"));
        try (TextEncoder enc = TextEncoder.open(tok, SPEC.maxLength(), true);
             OrtSession s = env.createSession(a.featureModel().toBytes(), new OrtSession.SessionOptions())) {
            FeatureMatrix val = a.store().split("val");
            List<TokenWindow> w = LexicalFeatures.windows(enc, d.examples().stream()
                    .filter(e -> "val".equals(e.splitName())).toList());
            assertThat(w).hasSize(val.rows());
            for (int i = 0; i < w.size(); i++) {
                long[] shape = {1, w.get(i).ids().length};
                try (OnnxTensor ids = OnnxTensor.createTensor(env, LongBuffer.wrap(w.get(i).ids()), shape);
                     OnnxTensor mask = OnnxTensor.createTensor(env, LongBuffer.wrap(w.get(i).mask()), shape);
                     OrtSession.Result r = s.run(Map.of("input_ids", ids, "attention_mask", mask))) {
                    float[] got = ((float[][]) r.get(0).getValue())[0];
                    float[] want = val.row(i);
                    for (int j = 0; j < want.length; j++) {
                        assertThat(got[j]).as("val row %d col %d", i, j).isCloseTo(want[j], within(1e-5f));
                    }
                }
            }
        }
    }

    private static boolean contains(long[] gram, long id) {
        for (long x : gram) {
            if (x == id) {
                return true;
            }
        }
        return false;
    }
}
