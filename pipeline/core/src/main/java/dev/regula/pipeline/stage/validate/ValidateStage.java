package dev.regula.pipeline.stage.validate;

import dev.regula.pipeline.predict.Scoring;
import dev.regula.transfer.export.ModelExport;
import com.fasterxml.jackson.databind.JsonNode;
import dev.regula.ensemble.ClassificationMetrics;
import dev.regula.ensemble.Ensemble;
import dev.regula.ensemble.EnsembleException;
import dev.regula.models.OnnxModel;
import dev.regula.models.OnnxModelException;
import dev.regula.models.runtime.Device;
import dev.regula.models.runtime.OrtRunner;
import dev.regula.models.runtime.Parity;
import dev.regula.models.runtime.ParityReport;
import dev.regula.models.runtime.RunnerException;
import dev.regula.models.runtime.RunnerOptions;
import dev.regula.models.runtime.RuntimeUnavailableException;
import dev.regula.models.runtime.Tensor;
import dev.regula.pipeline.Problem;
import dev.regula.pipeline.RegulaException;
import dev.regula.pipeline.run.Json;
import dev.regula.pipeline.run.Stage;
import dev.regula.pipeline.run.StageContext;
import dev.regula.pipeline.run.StageName;
import dev.regula.pipeline.spec.Sections;
import dev.regula.pipeline.stage.ensemble.EnsembleStage;
import dev.regula.pipeline.stage.export.ExportStage;
import dev.regula.transfer.export.ExportException;
import dev.regula.transfer.export.ModelExport;
import dev.regula.pipeline.stage.export.ExportStep;
import dev.regula.pipeline.stage.features.FeaturesStage;
import dev.regula.pipeline.stage.features.FeaturesStep;
import dev.regula.pipeline.stage.imports.ImportStage;
import dev.regula.pipeline.stage.train.TrainStage;
import dev.regula.transfer.data.Dataset;
import dev.regula.transfer.data.DatasetException;
import dev.regula.transfer.data.DatasetReader;
import dev.regula.transfer.data.Example;
import dev.regula.transfer.data.Splits;
import dev.regula.transfer.data.Splitter;
import dev.regula.transfer.encode.BatchTensor;
import dev.regula.transfer.encode.InputEncoder;
import dev.regula.transfer.encode.ModelInput;
import dev.regula.transfer.encode.NumericEncoder;
import dev.regula.transfer.encode.TextEncoder;
import dev.regula.transfer.features.FeatureJobSpec;
import dev.regula.transfer.features.FeatureMatrix;
import dev.regula.transfer.features.FeatureStore;
import dev.regula.transfer.train.Metrics;
import dev.regula.transfer.train.TrainedHead;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * validate, as the pipeline runs it: runs the exported model on ONNX Runtime over the test split's raw inputs, on each
 * execution provider of {@code validate.providers} (CPU, and CUDA when asked for or, with
 * {@code auto}, when it loads), and compares every provider's outputs with the Java reference (the
 * stored ORT features through the DJL head, or for an ensemble through every member and the
 * combiner, {@code Ensemble.predictProba}). Writes {@code report.json} (parity per provider and the
 * worst of them, accuracy, macro-F1, NLL, ECE, generalization gap, providers that ran and skipped);
 * latency and throughput per provider go to the manifest only, as they differ from run to run.
 */
public final class ValidateStage implements Stage {
    @Override
    public StageName name() {
        return StageName.VALIDATE;
    }

    @Override
    public List<StageName> upstream(StageContext ctx) {
        return ctx.spec().ensembleSection().isPresent()
                ? List.of(StageName.FEATURES, StageName.TRAIN, StageName.ENSEMBLE, StageName.EXPORT)
                : List.of(StageName.FEATURES, StageName.TRAIN, StageName.EXPORT);
    }

    @Override
    public JsonNode config(StageContext ctx) {
        return ctx.spec().sections("validate", "backbone");
    }

    @Override
    public Map<String, Object> run(StageContext ctx, Path staging) throws RegulaException {
        Sections.Validate v = ctx.spec().validate();
        FeatureStore store = FeaturesStage.store(ctx);
        String headName = ExportStage.chosenHead(ctx);
        // The Java reference: the stored ORT features through the head, or through every member and the combiner.
        Function<FeatureMatrix, float[][]> reference;
        if (ctx.spec().ensembleSection().isPresent()) {
            Ensemble e = EnsembleStage.load(ctx);
            reference = headName.equals(ExportStep.ENSEMBLE) ? e::predictProba : ExportStep.soupMember(e).head()::predictProba;
        } else {
            TrainedHead head = TrainStage.heads(ctx).get(headName);
            reference = head::predictProba;
        }
        List<Example> test = testExamples(ctx);
        int n = test.size();
        if (n == 0) {
            throw new RegulaException(Problem.atKey("validate", "the test split is empty; give split.test a fraction > 0")
                    .withExpected("test rows", "0"));
        }
        int classes = store.labels().size();
        int[] y = store.split("test").labels();
        Path modelFile = ctx.dir(StageName.EXPORT).resolve(ExportStep.MODEL);
        boolean unfrozen = ctx.spec().backbone().unfreeze() != null;
        TrainedHead unfrozenHead = unfrozen ? TrainStage.heads(ctx).get(headName) : null;
        float[][] expected = unfrozen ? UnfrozenReference.test(ctx, headName, unfrozenHead, test, y)
                : reference.apply(store.split("test"));
        Map<String, Object> report = new TreeMap<>();
        Map<String, Object> timings = new TreeMap<>();
        Map<String, Object> byProvider = new TreeMap<>();
        Map<String, String> skipped = new TreeMap<>();
        List<String> ran = new ArrayList<>();
        ProviderRun first = null;
        try (Encoder enc = Encoder.open(ctx, test)) {
            OnnxModel exported = OnnxModel.read(modelFile);
            try {
                ModelExport.checkOutputs(exported, modelFile);
            } catch (ExportException e) {
                throw RegulaException.wrap(e);
            }
            List<ModelInput> inputs = ModelInput.of(exported.proto());
            // The features were extracted one example per call for such a model; batching here would
            // change each example's outputs by its batch mates and fail parity for no fault of the export.
            int batch = exported.independentBatch(v.throughputBatch());
            if (batch != v.throughputBatch()) {
                ctx.log("validate: the model quantizes dynamically (int8): running one example per call, not "
                        + v.throughputBatch());
            }
            int featureBatch = ctx.spec().features().batchSize();
            if (featureBatch > 1 && exported.independentBatch(featureBatch) != featureBatch) {
                ctx.log("validate: warning: features.batch_size " + featureBatch + " made each example's stored features "
                        + "depend on its batch mates; parity is measured against them (0, automatic, extracts one per call)");
            }
            for (Device device : devices(v.providers())) {
                ProviderRun r;
                try {
                    r = runOn(device, v, batch, ctx, modelFile, enc, inputs, n, classes, expected);
                } catch (RuntimeUnavailableException e) {
                    if (v.providers().contains(Sections.Provider.AUTO)) {
                        skipped.put(device.key(), e.reason());
                        ctx.log("validate: " + device.key() + " skipped, its execution provider is unavailable: " + e.reason());
                        continue;
                    }
                    throw new RegulaException(Problem.atKey("validate.providers", device.key() + " was asked for but cannot run "
                            + "here: " + e.reason() + " (providers: auto skips it when unavailable)")
                            .withExpected("a provider that runs here", device.key()), e);
                }
                ran.add(r.provider());
                byProvider.put(device.key(), r.parity());
                timings.put(device.key(), r.timings());
                if (first == null) {
                    first = r;
                    timings.putAll(r.timings());
                }
            }
            if (first == null) {
                throw new RegulaException(Problem.atKey("validate.providers", "no execution provider ran"));
            }
            // The same metric definitions as the ensemble report, so the two pages never disagree.
            ClassificationMetrics testMetrics = metrics(first.probabilities(), y);
            int[] trainY = store.split("train").labels();
            float[][] trainProbs = unfrozen ? UnfrozenReference.train(ctx, headName, unfrozenHead, trainY)
                    : reference.apply(store.split("train"));
            double trainAccuracy = metrics(trainProbs, trainY).accuracy();
            double accuracy = testMetrics.accuracy();
            report.put("head", headName);
            report.put("test_rows", n);
            report.put("accuracy", accuracy);
            report.put("macro_f1", testMetrics.macroF1());
            report.put("nll", testMetrics.nll());
            report.put("ece", testMetrics.ece());
            report.put("calibration", testMetrics.reliability().stream().filter(b -> b.count() > 0).toList());
            report.put("train_accuracy", trainAccuracy);
            report.put("generalization_gap", trainAccuracy - accuracy);
            report.put("label_output_mismatches", first.labelMismatches());
            report.put("providers", ran);
            if (!skipped.isEmpty()) {
                report.put("providers_skipped", skipped);
            }
            if (byProvider.containsKey(Device.CUDA.key())) {
                report.put("cuda_tf32", v.cudaTf32());
            }
            report.put("parity", worst(v, byProvider));
            report.put("parity_by_provider", byProvider);
            Json.write(staging.resolve(ValidateStep.REPORT), report);
        } catch (OnnxModelException | IOException e) {
            throw RegulaException.atKey("validate", e);
        }
        ctx.log(String.format(java.util.Locale.ROOT, "validate: accuracy %.4f, macro-F1 %.4f, parity max |Δ| %.2e, p50 %.2f ms on %s",
                (Double) report.get("accuracy"), (Double) report.get("macro_f1"),
                (Double) ((Map<?, ?>) report.get("parity")).get("max_abs_error"), (Double) timings.get("latency_ms_p50"), ran));
        return timings;
    }

    /** The devices to try, in order: {@code auto} is CPU, then CUDA. */
    private static List<Device> devices(List<Sections.Provider> providers) {
        List<Device> out = new ArrayList<>();
        for (Sections.Provider p : providers) {
            switch (p) {
                case CPU -> out.add(Device.CPU);
                case CUDA -> out.add(Device.CUDA);
                case AUTO -> out.addAll(List.of(Device.CPU, Device.CUDA));
            }
        }
        return out;
    }

    /** What one execution provider gave: its outputs (for the metrics), parity against the reference, timings. */
    private record ProviderRun(String provider, float[][] probabilities, int labelMismatches, Map<String, Object> parity,
                               Map<String, Object> timings) {
    }

    /**
     * Runs the model on one device: the throughput pass over the whole test split (whose outputs are
     * compared with the Java reference), then {@code latency_samples} single-example runs.
     *
     * @throws RuntimeUnavailableException when the device's execution provider cannot be used here
     */
    private static ProviderRun runOn(Device device, Sections.Validate v, int batch, StageContext ctx, Path modelFile, Encoder enc,
                                     List<ModelInput> inputs, int n, int classes, float[][] expected)
            throws RunnerException, RegulaException {
        RunnerOptions options = RunnerOptions.builder().device(device).cudaTf32(v.cudaTf32())
                .intraOpThreads(ctx.spec().features().threads()).build();
        Map<String, Object> timings = new TreeMap<>();
        try (OrtRunner runner = OrtRunner.open(modelFile, options)) {
            long t0 = System.nanoTime();
            // The scoring path Predictor serves with; only the encoder differs (the stage's test split,
            // text or numeric, encoded once for every provider).
            Scoring.Scores scores = Scoring.run(runner, n, classes, batch, (from, to) -> enc.batch(from, to, inputs));
            float[] probs = scores.probabilities();
            long[] labels = scores.labels();
            double seconds = (System.nanoTime() - t0) / 1e9;
            timings.put("provider", runner.activeProvider());
            timings.put("throughput_batch", batch);
            timings.put("throughput_per_second", n / seconds);
            int samples = Math.min(n, v.latencySamples());
            double[] ms = new double[samples];
            for (int i = 0; i < samples; i++) {
                Map<String, Tensor> one = enc.batch(i, i + 1, inputs);
                long s = System.nanoTime();
                Scoring.run(runner, 1, classes, 1, (from, to) -> one);
                ms[i] = (System.nanoTime() - s) / 1e6;
            }
            Arrays.sort(ms);
            timings.put("latency_samples", samples);
            timings.put("latency_ms_p50", ValidateStep.quantile(ms, 0.50));
            timings.put("latency_ms_p95", ValidateStep.quantile(ms, 0.95));

            float[][] p = new float[n][];
            int labelMismatches = 0;
            int labelAgreeing = 0;
            for (int i = 0; i < n; i++) {
                p[i] = Arrays.copyOfRange(probs, i * classes, (i + 1) * classes);
                if (labels[i] != Metrics.argmax(p[i])) {
                    labelMismatches++;
                }
                if (labels[i] == Metrics.argmax(expected[i])) {
                    labelAgreeing++;
                }
            }
            ParityReport parity = Parity.within(v.parityAtol(), v.parityRtol()).withArgmax(ModelExport.PROBABILITIES)
                    .compareMatrices(Map.of(ModelExport.PROBABILITIES, expected),
                            Map.of(ModelExport.PROBABILITIES, Tensor.ofFloats(probs, n, classes)));
            Map<String, Object> par = new LinkedHashMap<>();
            par.put("provider", runner.activeProvider());
            par.put("max_abs_error", parity.output(ModelExport.PROBABILITIES).maxAbsError());
            par.put("max_rel_error", parity.output(ModelExport.PROBABILITIES).maxRelError());
            par.put("argmax_agreement", parity.argmaxAgreement().map(a -> a.fraction()).orElse(Double.NaN));
            // the label output (int64 ArgMax inside the graph) against the reference's argmax
            par.put("label_agreement", n == 0 ? 1.0 : (double) labelAgreeing / n);
            par.put("passed", parity.passed() && labelMismatches == 0);
            return new ProviderRun(runner.activeProvider(), p, labelMismatches, par, timings);
        }
    }

    /** The parity figures the gates read: the worst over every provider that ran. */
    private static Map<String, Object> worst(Sections.Validate v, Map<String, Object> byProvider) {
        double abs = 0;
        double rel = 0;
        double argmax = 1;
        boolean passed = true;
        for (Object o : byProvider.values()) {
            Map<?, ?> m = (Map<?, ?>) o;
            abs = Math.max(abs, (Double) m.get("max_abs_error"));
            rel = Math.max(rel, (Double) m.get("max_rel_error"));
            argmax = Math.min(argmax, (Double) m.get("argmax_agreement"));
            passed &= (Boolean) m.get("passed");
        }
        Map<String, Object> par = new LinkedHashMap<>();
        par.put("atol", v.parityAtol());
        par.put("rtol", v.parityRtol());
        par.put("max_abs_error", abs);
        par.put("max_rel_error", rel);
        par.put("argmax_agreement", argmax);
        par.put("passed", passed);
        return par;
    }

    private static ClassificationMetrics metrics(float[][] p, int[] y) throws RegulaException {
        try {
            return ClassificationMetrics.of(p, y);
        } catch (EnsembleException e) {
            throw RegulaException.atKey("validate", e);
        }
    }

    private static List<Example> testExamples(StageContext ctx) throws RegulaException {
        FeatureJobSpec job = FeaturesStep.jobSpec(ctx.spec(), ctx.dir(StageName.FEATURES), ctx.cacheDir(),
                FeaturesStage.featureModel(ctx).spec());
        try {
            Dataset data = DatasetReader.read(job.data());
            Splits splits = Splitter.split(data, job.split());
            return splits.test();
        } catch (DatasetException e) {
            throw RegulaException.atKey("data", e);
        }
    }

    /** Encodes test examples (text or numeric) into ORT input tensors, a batch at a time. */
    private static final class Encoder implements AutoCloseable {
        private final TextEncoder text;
        private final List<? extends InputEncoder.Encoded> encoded;
        private final InputEncoder<?, ?> encoder;

        private Encoder(TextEncoder text, InputEncoder<?, ?> encoder, List<? extends InputEncoder.Encoded> encoded) {
            this.text = text;
            this.encoder = encoder;
            this.encoded = encoded;
        }

        static Encoder open(StageContext ctx, List<Example> test) throws RegulaException {
            if (ctx.spec().data().format().numeric()) {
                List<float[]> vectors = test.stream().map(Example::vector).toList();
                NumericEncoder e = new NumericEncoder(vectors.get(0).length);
                return new Encoder(null, e, e.encodeAll(vectors));
            }
            Path tok = ctx.dir(StageName.EXPORT).resolve(ExportStep.TOKENIZER);
            try {
                TextEncoder e = TextEncoder.open(tok, FeaturesStage.textMaxLength(ctx), FeaturesStage.textTruncation(ctx));
                return new Encoder(e, e, e.encodeAll(test.stream().map(Example::text).toList()));
            } catch (IOException | IllegalArgumentException e) {
                throw new RegulaException(Problem.atKey("validate", "cannot encode the test texts with " + tok + ": "
                        + e.getMessage()).withExpected("a tokenizer.json", tok.toString()), e);
            }
        }

        @SuppressWarnings({"unchecked", "rawtypes"})
        Map<String, Tensor> batch(int from, int to, List<ModelInput> inputs) {
            Map<String, BatchTensor> b = ((InputEncoder) encoder).collate(new ArrayList<>(encoded.subList(from, to)), inputs);
            Map<String, Tensor> t = new LinkedHashMap<>();
            b.forEach((name, bt) -> t.put(name, bt.longs() != null ? Tensor.ofLongs(bt.longs(), bt.shape())
                    : Tensor.ofFloats(bt.floats(), bt.shape())));
            return t;
        }

        @Override
        public void close() {
            if (text != null) {
                text.close();
            }
        }
    }
}
