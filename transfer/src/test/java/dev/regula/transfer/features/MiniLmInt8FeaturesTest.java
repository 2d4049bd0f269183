package dev.regula.transfer.features;

import static org.assertj.core.api.Assertions.assertThat;

import dev.regula.transfer.backbone.Backbone;
import dev.regula.transfer.backbone.FeatureModel;
import dev.regula.transfer.backbone.FeatureModelBuilder;
import dev.regula.transfer.backbone.FeatureSpec;
import dev.regula.transfer.backbone.Pooling;
import dev.regula.transfer.encode.TextEncoder;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The int8 all-MiniLM-L6-v2 export (dynamically quantized) on 20 SpamAssassin e-mails: with the
 * automatic batch size each e-mail's features are those of a lone run, whatever else is extracted
 * with it, and they stay close to the fp32 model's.
 */
class MiniLmInt8FeaturesTest {
    private static final int N = 20;
    private static final FeatureSpec MEAN_L2 = new FeatureSpec("last_hidden_state", Pooling.MEAN, true);

    @TempDir
    Path cache;

    @Test
    void int8FeaturesDoNotDependOnTheOtherTextsAndStayNearFp32() throws Exception {
        Backbone q = Backbone.load("classpath:/all-minilm-l6-v2-q.onnx", "classpath:/all-minilm-l6-v2-q-tokenizer.json", cache);
        Backbone fp32 = Backbone.load("classpath:/all-minilm-l6-v2.onnx", "classpath:/all-minilm-l6-v2-tokenizer.json", cache);
        FeatureModel qModel = FeatureModelBuilder.build(q, MEAN_L2);
        FeatureModel fpModel = FeatureModelBuilder.build(fp32, MEAN_L2);
        List<String> texts = MiniLmFeaturesTest.firstTexts(Path.of("../examples/spam/spamassassin.jsonl.gz"), N);
        FeatureExtractorOptions auto = FeatureExtractorOptions.defaults().withProgress(false);
        try (TextEncoder enc = TextEncoder.open(q.tokenizer().file(), 128, true);
             FeatureExtractor qx = FeatureExtractor.open(qModel, auto);
             FeatureExtractor fx = FeatureExtractor.open(fpModel, auto)) {
            assertThat(qx.options().batchSize()).isEqualTo(1);
            assertThat(fx.options().batchSize()).isEqualTo(FeatureExtractorOptions.FLOAT_BATCH);
            float[][] together = qx.extract(texts, enc);
            float[][] reference = fx.extract(texts, enc);
            double cosSum = 0;
            for (int i = 0; i < N; i++) {
                assertThat(together[i]).as("text %d", i).containsExactly(qx.extract(List.of(texts.get(i)), enc)[0]);
                double cos = 0;
                for (int j = 0; j < together[i].length; j++) {
                    cos += (double) together[i][j] * reference[i][j];
                }
                assertThat(cos).as("cosine of text %d to fp32 (both L2-normalized)", i).isGreaterThan(0.95);
                cosSum += cos;
            }
            assertThat(cosSum / N).as("mean cosine to fp32").isGreaterThan(0.98).isLessThan(0.99999);
        }
    }
}
