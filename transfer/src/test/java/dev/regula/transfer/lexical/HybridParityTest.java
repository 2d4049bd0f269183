package dev.regula.transfer.lexical;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.regula.models.Checker;
import dev.regula.models.HybridGraph;
import dev.regula.models.OnnxModel;
import dev.regula.models.TokenWindowSlice;
import dev.regula.transfer.backbone.Backbone;
import dev.regula.transfer.backbone.FeatureModel;
import dev.regula.transfer.backbone.FeatureModelBuilder;
import dev.regula.transfer.backbone.FeatureSpec;
import dev.regula.transfer.backbone.Pooling;
import dev.regula.transfer.encode.TextEncoder;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hybrid graph on 512-token inputs equals [neural features at 128 tokens | Java TF-IDF at 512]. */
class HybridParityTest {
    private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

    @Test
    void hybridGraphMatchesNeuralAt128AndJavaLexicalAt512(@TempDir Path dir) throws Exception {
        Backbone backbone = Backbone.load("classpath:/all-minilm-l6-v2.onnx", "classpath:/all-minilm-l6-v2-tokenizer.json", dir);
        FeatureModel neural = FeatureModelBuilder.build(backbone, new FeatureSpec("last_hidden_state", Pooling.MEAN, true));
        List<String> texts = LexicalVectorizerTest.spamTexts(40);
        try (TextEncoder e512 = TextEncoder.open(backbone.tokenizer().file(), 512, true);
             TextEncoder e128 = TextEncoder.open(backbone.tokenizer().file(), 128, true)) {
            List<TextEncoder.Tokens> wide = e512.encodeAll(texts);
            List<TextEncoder.Tokens> narrow = e128.encodeAll(texts);
            List<TokenWindow> train = new ArrayList<>();
            for (TextEncoder.Tokens t : wide) {
                train.add(new TokenWindow(t.ids(), t.mask()));
            }
            LexicalVectorizer v = LexicalVectorizer.fit(train, new LexicalSpec(2, 500, 1, 1.0, true, 512));
            dev.regula.models.TfIdfBlock block = v.block();
            OnnxModel hybrid = new HybridGraph(new TokenWindowSlice(128, 102), block, 1f, 1f)
                    .compose(OnnxModel.of(neural.proto()), FeatureModel.OUTPUT, neural.dim());
            assertThat(Checker.problems(hybrid.proto())).isEmpty();
            double worst = 0;
            try (OrtSession hs = ENV.createSession(hybrid.toBytes(), new OrtSession.SessionOptions());
                 OrtSession ns = ENV.createSession(neural.bytes(), new OrtSession.SessionOptions())) {
                for (int r = 0; r < texts.size(); r++) {
                    float[] got = run(hs, wide.get(r));
                    float[] n = run(ns, narrow.get(r));
                    float[] l = v.transform(train.get(r));
                    for (int j = 0; j < n.length; j++) {
                        worst = Math.max(worst, Math.abs(got[j] - n[j]));
                    }
                    for (int j = 0; j < l.length; j++) {
                        worst = Math.max(worst, Math.abs(got[n.length + j] - l[j]));
                    }
                    assertThat(got).hasSize(n.length + l.length);
                }
            }
            assertThat(worst).isLessThanOrEqualTo(1e-5);
        }
    }

    private static float[] run(OrtSession s, TextEncoder.Tokens t) throws Exception {
        long[] shape = {1, t.ids().length};
        try (OnnxTensor i = OnnxTensor.createTensor(ENV, LongBuffer.wrap(t.ids()), shape);
             OnnxTensor m = OnnxTensor.createTensor(ENV, LongBuffer.wrap(t.mask()), shape);
             OnnxTensor y = OnnxTensor.createTensor(ENV, LongBuffer.wrap(new long[t.ids().length]), shape)) {
            Map<String, OnnxTensor> feeds = new java.util.HashMap<>(Map.of(TextEncoder.INPUT_IDS, i, TextEncoder.ATTENTION_MASK, m));
            if (s.getInputNames().contains(HybridGraph.TOKEN_TYPES)) {
                feeds.put(HybridGraph.TOKEN_TYPES, y);
            }
            try (OrtSession.Result res = s.run(feeds)) {
                return ((float[][]) res.get(0).getValue())[0];
            }
        }
    }
}
