package dev.regula.transfer.finetune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.regula.models.OnnxModel;
import dev.regula.transfer.backbone.Backbone;
import dev.regula.transfer.backbone.FeatureModel;
import dev.regula.transfer.backbone.FeatureModelBuilder;
import dev.regula.transfer.backbone.FeatureSpec;
import dev.regula.transfer.backbone.Pooling;
import dev.regula.transfer.encode.TextEncoder;
import dev.regula.transfer.features.FeatureExtractor;
import dev.regula.transfer.features.FeatureExtractorOptions;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hidden states cached at the cut before MiniLM's last layer, fed back through the interpreted last
 * layer and pooling, give the features ONNX Runtime computes from the text in one go.
 */
class HiddenStateCacheTest {
    private static final Path DATA = Path.of("../examples/spam/spamassassin.jsonl.gz");
    private static final int N = 12;

    @TempDir
    static Path dir;
    static OnnxModel featureModel;
    static String cut;
    static List<TextEncoder.Tokens> tokens;
    static float[][] want;

    @BeforeAll
    static void setUp() throws Exception {
        Backbone backbone = Backbone.load("classpath:/all-minilm-l6-v2.onnx", "classpath:/all-minilm-l6-v2-tokenizer.json", dir);
        FeatureModel fm = FeatureModelBuilder.build(backbone, new FeatureSpec("last_hidden_state", Pooling.MEAN, true));
        featureModel = OnnxModel.of(fm.proto());
        cut = LayerBoundaries.cutBeforeLast(featureModel.proto().getGraph(), 1);
        List<String> texts = texts(N);
        try (TextEncoder enc = TextEncoder.open(backbone.tokenizer().file(), 128, true);
             FeatureExtractor fx = FeatureExtractor.open(fm, new FeatureExtractorOptions(4, 1, true, false))) {
            tokens = enc.encodeAll(texts);
            want = fx.extract(texts, enc);
        }
        // Not vacuous: the examples have different lengths, so batches are re-padded.
        assertThat(tokens.stream().mapToInt(TextEncoder.Tokens::length).distinct().count()).isGreaterThan(1);
    }

    static List<String> texts(int n) throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        List<String> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(DATA)), StandardCharsets.UTF_8))) {
            for (String line; out.size() < n && (line = r.readLine()) != null; ) {
                // Cut to different lengths so that some examples are shorter than max_length and batches get re-padded.
                String text = json.readTree(line).get("text").asText();
                out.add(text.substring(0, Math.min(text.length(), 30 + 60 * out.size())));
            }
        }
        return out;
    }

    /** The largest |feature - ORT feature| over all examples, fed from {@code cache} in batches of 5. */
    static double maxError(HiddenStateCache cache) throws Exception {
        Set<String> trainable = LayerBoundaries.initializersOf(featureModel.proto().getGraph(),
                List.of(LayerBoundaries.detect(featureModel.proto().getGraph()).get(5)));
        double worst = 0;
        try (NDManager root = Engine.getInstance().newBaseManager();
             OnnxInterpreter interp = OnnxInterpreter.create(featureModel, List.of(cut), List.of(FeatureModel.OUTPUT),
                     InterpreterOptions.defaults().withTrainable(trainable::contains), root)) {
            for (int start = 0; start < N; start += 5) {
                int[] rows = java.util.stream.IntStream.range(start, Math.min(N, start + 5)).toArray();
                try (NDManager batch = root.newSubManager()) {
                    NDList in = cache.batch(batch, rows);
                    NDArray pooled = interp.forward(batch, Map.of(cut, in.get(0), "attention_mask", in.get(1))).get(FeatureModel.OUTPUT);
                    float[] got = pooled.toFloatArray();
                    for (int k = 0; k < rows.length; k++) {
                        for (int j = 0; j < 384; j++) {
                            worst = Math.max(worst, Math.abs(got[k * 384 + j] - want[rows[k]][j]));
                        }
                    }
                }
            }
        }
        return worst;
    }

    @Test
    void fp32CacheGivesOrtFeatures() throws Exception {
        try (NDManager scratch = Engine.getInstance().newBaseManager()) {
            HiddenStateCache cache = HiddenStateCache.extract(featureModel, cut, tokens, 4, HiddenStateCache.Precision.FP32, scratch);
            assertThat(cache.size()).isEqualTo(N);
            assertThat(cache.dim()).isEqualTo(384);
            long tokenCount = tokens.stream().mapToLong(TextEncoder.Tokens::length).sum();
            assertThat(cache.bytes()).isEqualTo(tokenCount * 384 * 4);
            assertThat(maxError(cache)).isLessThanOrEqualTo(1e-6); // measured 5.2e-8
        }
    }

    /**
     * fp16 keeps 11 significant bits: hidden states of magnitude ~1-10 round by up to ~5e-3, but the
     * pooled, L2-normalized features move far less (measured 3.0e-5 on these 12 texts; bound 2e-4).
     */
    @Test
    void fp16CacheIsHalfTheSizeAndClose() throws Exception {
        try (NDManager scratch = Engine.getInstance().newBaseManager()) {
            HiddenStateCache cache = HiddenStateCache.extract(featureModel, cut, tokens, 4, HiddenStateCache.Precision.FP16, scratch);
            long tokenCount = tokens.stream().mapToLong(TextEncoder.Tokens::length).sum();
            assertThat(cache.bytes()).isEqualTo(tokenCount * 384 * 2);
            double err = maxError(cache);
            assertThat(err).isLessThanOrEqualTo(2e-4).isGreaterThan(0);
        }
    }

    @Test
    void writesAndReadsBack(@TempDir Path tmp) throws Exception {
        try (NDManager m = Engine.getInstance().newBaseManager()) {
            HiddenStateCache cache = HiddenStateCache.extract(featureModel, cut, tokens.subList(0, 3), 2, HiddenStateCache.Precision.FP16, m);
            Path file = tmp.resolve("hidden.bin");
            cache.write(file);
            assertThat(Files.size(file)).isEqualTo(20 + 4 * 3 + cache.bytes());
            HiddenStateCache back = HiddenStateCache.read(file);
            assertThat(back.size()).isEqualTo(3);
            assertThat(back.precision()).isEqualTo(HiddenStateCache.Precision.FP16);
            for (int i = 0; i < 3; i++) {
                assertThat(back.length(i)).isEqualTo(tokens.get(i).length());
            }
            int[] rows = {2, 0, 1};
            NDList a = cache.batch(m, rows);
            NDList b = back.batch(m, rows);
            assertThat(b.get(0).toFloatArray()).containsExactly(a.get(0).toFloatArray());
            assertThat(b.get(1).toLongArray()).containsExactly(a.get(1).toLongArray());

            Path bad = tmp.resolve("bad.bin");
            Files.write(bad, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
            assertThatThrownBy(() -> HiddenStateCache.read(bad)).hasMessageContaining("bad.bin").hasMessageContaining("not a hidden-state cache");
        }
    }
}
