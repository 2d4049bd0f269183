package dev.regula.transfer.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.regula.transfer.backbone.Backbone;
import dev.regula.transfer.backbone.FeatureModel;
import dev.regula.transfer.backbone.FeatureModelBuilder;
import dev.regula.transfer.backbone.FeatureSpec;
import dev.regula.transfer.backbone.Pooling;
import dev.regula.transfer.encode.TextEncoder;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.LongBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real all-MiniLM-L6-v2 backbone on 50 SpamAssassin e-mails: the feature model (mean pooling
 * and L2 as ONNX nodes) matches the unmodified backbone run directly plus pooling in Java.
 */
class MiniLmFeaturesTest {
    private static final Path DATA = Path.of("../examples/spam/spamassassin.jsonl.gz");
    private static final int N = 50;
    private static final int MAX_LENGTH = 128;

    @TempDir
    static Path cache;
    static Backbone backbone;
    static FeatureModel model;
    static List<String> texts;

    @BeforeAll
    static void setUp() throws Exception {
        backbone = Backbone.load("classpath:/all-minilm-l6-v2.onnx", "classpath:/all-minilm-l6-v2-tokenizer.json", cache);
        model = FeatureModelBuilder.build(backbone, new FeatureSpec("last_hidden_state", Pooling.MEAN, true));
        texts = firstTexts(DATA, N);
    }

    static List<String> firstTexts(Path data, int n) throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<String> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(data)), StandardCharsets.UTF_8))) {
            for (String line; out.size() < n && (line = r.readLine()) != null; ) {
                JsonNode node = json.readTree(line);
                out.add(node.get("text").asText());
            }
        }
        return out;
    }

    @Test
    void featureModelMatchesDirectRunWithJavaPooling() throws Exception {
        assertThat(model.dim()).isEqualTo(384);
        assertThat(model.backboneSha256()).isEqualTo(backbone.model().sha256());
        assertThat(model.inputs()).extracting(i -> i.name()).containsExactlyInAnyOrder("input_ids", "attention_mask", "token_type_ids");
        try (TextEncoder enc = TextEncoder.open(backbone.tokenizer().file(), MAX_LENGTH, true);
             FeatureExtractor fx = FeatureExtractor.open(model, new FeatureExtractorOptions(8, 2, true, false))) {
            float[][] got = fx.extract(texts, enc);
            List<TextEncoder.Tokens> tokens = enc.encodeAll(texts);
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            try (OrtSession direct = env.createSession(backbone.model().file().toString(), new OrtSession.SessionOptions())) {
                for (int i = 0; i < N; i++) {
                    float[] want = directMeanL2(env, direct, tokens.get(i));
                    for (int j = 0; j < want.length; j++) {
                        assertThat(got[i][j]).as("text %d feature %d", i, j).isCloseTo(want[j], within(1e-5f));
                    }
                }
            }
        }
    }

    @Test
    void bucketedBatchesEqualBatchSizeOneInOriginalOrder() throws Exception {
        try (TextEncoder enc = TextEncoder.open(backbone.tokenizer().file(), MAX_LENGTH, true);
             FeatureExtractor bucketed = FeatureExtractor.open(model, new FeatureExtractorOptions(16, 2, true, false));
             FeatureExtractor single = FeatureExtractor.open(model, new FeatureExtractorOptions(1, 2, false, false))) {
            float[][] a = bucketed.extract(texts, enc);
            float[][] b = single.extract(texts, enc);
            for (int i = 0; i < N; i++) {
                for (int j = 0; j < a[i].length; j++) {
                    assertThat(a[i][j]).as("text %d feature %d", i, j).isCloseTo(b[i][j], within(1e-5f));
                }
            }
        }
    }

    private static float[] directMeanL2(OrtEnvironment env, OrtSession s, TextEncoder.Tokens t) throws Exception {
        long[] shape = {1, t.length()};
        try (OnnxTensor ids = OnnxTensor.createTensor(env, LongBuffer.wrap(t.ids()), shape);
             OnnxTensor mask = OnnxTensor.createTensor(env, LongBuffer.wrap(t.mask()), shape);
             OnnxTensor types = OnnxTensor.createTensor(env, LongBuffer.wrap(t.typeIds()), shape);
             OrtSession.Result r = s.run(Map.of("input_ids", ids, "attention_mask", mask, "token_type_ids", types))) {
            float[][][] h = (float[][][]) r.get("last_hidden_state").orElseThrow().getValue();
            double[] sum = new double[h[0][0].length];
            double count = 0;
            for (int p = 0; p < t.length(); p++) {
                if (t.mask()[p] == 1) {
                    count++;
                    for (int j = 0; j < sum.length; j++) {
                        sum[j] += h[0][p][j];
                    }
                }
            }
            double ss = 0;
            for (int j = 0; j < sum.length; j++) {
                sum[j] /= count;
                ss += sum[j] * sum[j];
            }
            float[] out = new float[sum.length];
            double norm = Math.sqrt(Math.max(ss, 1e-12));
            for (int j = 0; j < sum.length; j++) {
                out[j] = (float) (sum[j] / norm);
            }
            return out;
        }
    }
}
