package dev.regula.benchmarks;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.regula.models.OnnxModel;
import dev.regula.transfer.backbone.Backbone;
import dev.regula.transfer.backbone.FeatureModel;
import dev.regula.transfer.backbone.FeatureModelBuilder;
import dev.regula.transfer.backbone.FeatureSpec;
import dev.regula.transfer.backbone.Pooling;
import dev.regula.transfer.data.Dataset;
import dev.regula.transfer.data.DatasetFormat;
import dev.regula.transfer.data.DatasetReader;
import dev.regula.transfer.data.DatasetSpec;
import dev.regula.transfer.data.Example;
import dev.regula.transfer.data.SplitFractions;
import dev.regula.transfer.data.SplitSpec;
import dev.regula.transfer.data.Splits;
import dev.regula.transfer.data.Splitter;
import dev.regula.transfer.encode.TextEncoder;
import dev.regula.transfer.finetune.FineTuneSpec;
import dev.regula.transfer.finetune.FineTuner;
import dev.regula.transfer.finetune.HiddenStateCache;
import dev.regula.transfer.finetune.InterpreterOptions;
import dev.regula.transfer.finetune.LayerBoundaries;
import dev.regula.transfer.finetune.OnnxInterpreter;
import dev.regula.transfer.finetune.TransformerLayer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Test-split quality of the spam example (MiniLM, mean + L2, stratified 0.7/0.15/0.15, seed 42) with
 * the last N layers unfrozen, against the frozen linear probe: frozen; unfrozen with no
 * regularization; with plain L2 on the layers; with L2-SP (toward the pretrained weights); LP-FT with
 * L2-SP. Hidden states at the cut are cached once (fp16); every variant starts from the pretrained
 * weights, early-stops on val NLL and is scored on test: accuracy, NLL, ECE (15 bins). Ends with one
 * line of key=value pairs.
 *
 * <p>Options: {@code --unfreeze 1 --epochs 2 --probe-epochs 20 --batch 16 --head-lr 0.01 --backbone-lr 2e-5
 * --l2 10 --hidden-dropout 0.1 --variants frozen,none,l2,l2sp,lpft --data examples/spam/spamassassin.jsonl.gz
 * --cache benchmarks/target/backbone-cache}.
 */
public final class UnfreezeQualityBenchmark {
    private UnfreezeQualityBenchmark() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("unfreeze", "1");
        o.put("epochs", "2");
        o.put("probe-epochs", "20");
        o.put("batch", "16");
        o.put("head-lr", "0.01");
        o.put("backbone-lr", "2e-5");
        o.put("l2", "10");
        o.put("hidden-dropout", "0.1");
        o.put("variants", "frozen,none,l2,l2sp,lpft");
        o.put("data", "examples/spam/spamassassin.jsonl.gz");
        o.put("cache", "benchmarks/target/backbone-cache");
        Options.parse(o, args);
        long start = System.nanoTime();
        int n = Integer.parseInt(o.get("unfreeze"));

        Backbone backbone = Backbone.load(HeadTrainBenchmark.ARTIFACT + "all-minilm-l6-v2.onnx",
                HeadTrainBenchmark.ARTIFACT + "all-minilm-l6-v2-tokenizer.json", Path.of(o.get("cache")));
        OnnxModel model = OnnxModel.of(FeatureModelBuilder.build(backbone, new FeatureSpec("last_hidden_state", Pooling.MEAN, true)).proto());
        List<TransformerLayer> layers = LayerBoundaries.detect(model.proto().getGraph());
        String cut = layers.get(layers.size() - n).input();
        Set<String> trainable = LayerBoundaries.initializersOf(model.proto().getGraph(), layers.subList(layers.size() - n, layers.size()));

        Dataset data = DatasetReader.read(DatasetSpec.of(Path.of(o.get("data")), DatasetFormat.JSONL));
        Splits splits = Splitter.split(data, SplitSpec.stratified(new SplitFractions(0.7, 0.15, 0.15), 42));
        Map<String, HiddenStateCache> caches = new LinkedHashMap<>();
        Map<String, int[]> labels = new LinkedHashMap<>();
        long t0 = System.nanoTime();
        try (TextEncoder enc = TextEncoder.open(backbone.tokenizer().file(), 128, true);
             NDManager scratch = Engine.getInstance().newBaseManager()) {
            for (String split : Splits.NAMES) {
                List<Example> rows = splits.get(split);
                caches.put(split, HiddenStateCache.extract(model, cut, enc.encodeAll(rows.stream().map(Example::text).toList()), 16,
                        HiddenStateCache.Precision.FP16, scratch));
                labels.put(split, rows.stream().mapToInt(e -> splits.labels().index(e.label())).toArray());
            }
        }
        long bytes = caches.values().stream().mapToLong(HiddenStateCache::bytes).sum();
        System.out.printf(Locale.ROOT, "cache: cut %s (last %d layers), fp16, %d bytes of hidden states for %d/%d/%d rows, %.1f s%n",
                cut, n, bytes, caches.get("train").size(), caches.get("val").size(), caches.get("test").size(), (System.nanoTime() - t0) / 1e9);

        Map<String, String> summary = new LinkedHashMap<>();
        summary.put("benchmark", "unfreeze-quality");
        summary.put("unfreeze", Integer.toString(n));
        summary.put("cache_bytes", Long.toString(bytes));
        for (String variant : o.get("variants").split(",")) {
            FineTuneSpec spec = spec(variant.trim(), o);
            long tv = System.nanoTime();
            try (NDManager root = Engine.getInstance().newBaseManager();
                 OnnxInterpreter top = OnnxInterpreter.create(model, List.of(cut), List.of(FeatureModel.OUTPUT),
                         InterpreterOptions.defaults().withTrainable(trainable::contains), root)) {
                FineTuner.Result r = FineTuner.train(top, cut, "attention_mask", caches.get("train"), labels.get("train"),
                        caches.get("val"), labels.get("val"), splits.labels().size(), spec, root);
                double[] m = score(top, cut, r, caches.get("test"), labels.get("test"), root);
                System.out.printf(Locale.ROOT, "%-6s test acc %.4f nll %.4f ece %.4f | val nll %.4f -> %.4f (%s epoch %d) | %.1f s%n",
                        variant, m[0], m[1], m[2], r.initialValLoss(), r.bestValLoss(), r.bestPhase(), r.bestEpoch(),
                        (System.nanoTime() - tv) / 1e9);
                summary.put(variant + "_acc", String.format(Locale.ROOT, "%.4f", m[0]));
                summary.put(variant + "_nll", String.format(Locale.ROOT, "%.4f", m[1]));
                summary.put(variant + "_ece", String.format(Locale.ROOT, "%.4f", m[2]));
            }
        }
        summary.put("wall_s", String.format(Locale.ROOT, "%.0f", (System.nanoTime() - start) / 1e9));
        StringBuilder line = new StringBuilder();
        summary.forEach((k, v) -> line.append(line.length() == 0 ? "" : " ").append(k).append('=').append(v));
        System.out.println(line);
    }

    private static FineTuneSpec spec(String variant, Map<String, String> o) {
        int epochs = Integer.parseInt(o.get("epochs"));
        int probe = Integer.parseInt(o.get("probe-epochs"));
        int batch = Integer.parseInt(o.get("batch"));
        double head = Double.parseDouble(o.get("head-lr"));
        double bb = Double.parseDouble(o.get("backbone-lr"));
        double l2 = Double.parseDouble(o.get("l2"));
        double drop = Double.parseDouble(o.get("hidden-dropout"));
        return switch (variant) {
            case "frozen" -> new FineTuneSpec(FineTuneSpec.Schedule.FROZEN, probe, 0, batch, head, 0, 0, 0, 0, 0, 3, 42);
            case "none" -> new FineTuneSpec(FineTuneSpec.Schedule.JOINT, epochs, 0, batch, head, bb, 0, 0, 0, drop, 1, 42);
            case "l2" -> new FineTuneSpec(FineTuneSpec.Schedule.JOINT, epochs, 0, batch, head, bb, 0, l2, 0, drop, 1, 42);
            case "l2sp" -> new FineTuneSpec(FineTuneSpec.Schedule.JOINT, epochs, 0, batch, head, bb, l2, 0, 0, drop, 1, 42);
            case "lpft" -> new FineTuneSpec(FineTuneSpec.Schedule.LP_FT, epochs, probe, batch, head, bb, l2, 0, 0, drop, 1, 42);
            default -> throw new IllegalArgumentException("unknown variant '" + variant + "', expected frozen, none, l2, l2sp or lpft");
        };
    }

    /** Accuracy, NLL and 15-bin expected calibration error of the trained top and head on {@code data}. */
    private static double[] score(OnnxInterpreter top, String cut, FineTuner.Result r, HiddenStateCache data, int[] labels, NDManager root)
            throws Exception {
        double correct = 0;
        double nll = 0;
        int bins = 15;
        double[] conf = new double[bins];
        double[] hits = new double[bins];
        int[] count = new int[bins];
        NDArray w = root.create(r.weight(), new Shape(r.dim(), r.classes()));
        NDArray b = root.create(r.bias());
        for (int start = 0; start < data.size(); start += 32) {
            int[] rows = java.util.stream.IntStream.range(start, Math.min(data.size(), start + 32)).toArray();
            try (NDManager batch = root.newSubManager()) {
                NDList in = data.batch(batch, rows);
                NDArray pooled = top.forward(batch, Map.of(cut, in.get(0), "attention_mask", in.get(1))).get(FeatureModel.OUTPUT);
                float[] p = pooled.matMul(w).add(b).softmax(1).toFloatArray();
                for (int k = 0; k < rows.length; k++) {
                    int y = labels[rows[k]];
                    int best = 0;
                    for (int c = 1; c < r.classes(); c++) {
                        if (p[k * r.classes() + c] > p[k * r.classes() + best]) {
                            best = c;
                        }
                    }
                    double top1 = p[k * r.classes() + best];
                    correct += best == y ? 1 : 0;
                    nll -= Math.log(Math.max(p[k * r.classes() + y], 1e-12));
                    int bin = Math.min(bins - 1, (int) (top1 * bins));
                    conf[bin] += top1;
                    hits[bin] += best == y ? 1 : 0;
                    count[bin]++;
                }
            }
        }
        double ece = 0;
        for (int i = 0; i < bins; i++) {
            if (count[i] > 0) {
                ece += Math.abs(hits[i] - conf[i]) / data.size();
            }
        }
        return new double[] {correct / data.size(), nll / data.size(), ece};
    }
}
