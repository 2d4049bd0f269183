package dev.regula.benchmarks;

import dev.regula.transfer.features.FeatureMatrix;
import dev.regula.transfer.features.FeatureStore;
import dev.regula.transfer.features.StoreManifest;
import dev.regula.transfer.head.HeadActivation;
import dev.regula.transfer.head.HeadSpec;
import dev.regula.transfer.regularize.DropoutSpec;
import dev.regula.transfer.regularize.RegularizationSpec;
import dev.regula.transfer.train.HeadJob;
import dev.regula.transfer.train.StackedTrainer;
import dev.regula.transfer.train.TrainedHead;
import dev.regula.transfer.train.TrainingSpec;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The multi-head benchmark in a JVM whose libtorch thread counts were set on the command line: one
 * untimed Regula run per K (JIT warm-up), then rounds in which, for each K, Regula
 * ({@link StackedTrainer#train} with a listener that reads the clock) and PyTorch
 * ({@code benchmarks/multi_head_torch.py}, one process per round and K) take turns, alternating who
 * goes first. Both time steps {@code warmup+1 .. warmup+steps} except the first step of each epoch
 * (on Regula's side that interval holds the per-epoch evaluation). Per K it reports the median step
 * time over rounds and heads·steps/s; the last line's {@code ratio} is Regula's K = 8 step time over
 * its K = 1 step time.
 */
public final class MultiHeadRace {
    private MultiHeadRace() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> o = options(args);
        int threads = Integer.parseInt(o.get("threads"));
        int rounds = Integer.parseInt(o.get("rounds"));
        int warmup = Integer.parseInt(o.get("warmup"));
        int steps = Integer.parseInt(o.get("steps"));
        int batch = Integer.parseInt(o.get("batch"));
        long seed = Long.parseLong(o.get("seed"));
        // --peer false: Regula only, e.g. under a profiler (JFR) from this JVM's command line.
        boolean peer = !o.get("peer").equals("false");
        int[] ks = java.util.Arrays.stream(o.get("heads").split(",")).mapToInt(s -> Integer.parseInt(s.trim())).toArray();
        FeatureStore store = FeatureStore.open(Path.of(o.get("store")));
        FeatureMatrix train = store.split("train");
        int classes = store.labels().size();
        StoreManifest.SplitEntry entry = store.manifest().splits().get("train");
        HeadSpec head = HeadSpec.mlp(HeadActivation.RELU, 128);
        int stepsPerEpoch = (train.rows() + batch - 1) / batch;
        int epochs = (warmup + steps + stepsPerEpoch - 1) / stepsPerEpoch;
        System.out.printf(Locale.ROOT, "threads=%d: %dx%d train rows, %d classes, heads %d-128-%d, %d steps/epoch, %d epochs per run%n",
                threads, train.rows(), train.dim(), classes, train.dim(), classes, stepsPerEpoch, epochs);

        for (int k : ks) {
            long t0 = System.nanoTime();
            regula(train, classes, head, k, batch, epochs, seed, warmup, steps, stepsPerEpoch);
            System.out.printf(Locale.ROOT, "K=%d warm-up run (untimed): %.1f s%n", k, (System.nanoTime() - t0) / 1e9);
        }
        String loadBefore = Ceiling.load();
        System.out.println("load before the timed rounds: " + loadBefore);
        Map<Integer, List<Double>> regulaMs = new LinkedHashMap<>();
        Map<Integer, List<Double>> torchMs = new LinkedHashMap<>();
        // The training thread's CPU time per step: with one libtorch thread all of a step's work runs
        // on it, so this is the step's cost without the waits other processes cause on a shared machine.
        Map<Integer, List<Double>> regulaCpuMs = new LinkedHashMap<>();
        String torchVersion = "?";
        for (int r = 0; r < rounds; r++) {
            for (int k : ks) {
                for (int side = 0; side < (peer ? 2 : 1); side++) {
                    boolean regulaTurn = !peer || (side == 0) == (r % 2 == 0);
                    double ms;
                    if (regulaTurn) {
                        double[] wallCpu = regula(train, classes, head, k, batch, epochs, seed, warmup, steps, stepsPerEpoch);
                        ms = wallCpu[0];
                        regulaMs.computeIfAbsent(k, x -> new ArrayList<>()).add(ms);
                        regulaCpuMs.computeIfAbsent(k, x -> new ArrayList<>()).add(wallCpu[1]);
                    } else {
                        Map<String, String> out = HeadTrainRace.pairs(python(o, store, entry, train, classes, k));
                        torchVersion = out.get("torch");
                        ms = Double.parseDouble(out.get("step_ms"));
                        torchMs.computeIfAbsent(k, x -> new ArrayList<>()).add(ms);
                    }
                    System.out.printf(Locale.ROOT, "round %d K=%-3d %-7s %8.3f ms/step  %8.1f heads*steps/s%s%n",
                            r + 1, k, regulaTurn ? "regula" : "pytorch", ms, 1000.0 * k / ms, regulaTurn
                                    ? String.format(Locale.ROOT, "  (thread CPU %.3f ms/step)", regulaCpuMs.get(k).get(regulaCpuMs.get(k).size() - 1)) : "");
                }
            }
        }
        // libtorch runs on --threads threads, so its ceiling is the fp32 rate on that many threads.
        double ceiling = Ceiling.lookup(Path.of(o.get("ceiling")), "fp32", threads);
        Map<String, String> line = new LinkedHashMap<>();
        line.put("benchmark", "multi-head");
        line.put("threads", String.valueOf(threads));
        line.put("cores", String.valueOf(Runtime.getRuntime().availableProcessors()));
        line.put("train_rows", String.valueOf(train.rows()));
        line.put("batch", String.valueOf(batch));
        line.put("torch", torchVersion);
        line.put("ceiling", String.format(Locale.ROOT, "%.1f", ceiling));
        for (int k : ks) {
            double rm = Stats.median(regulaMs.get(k));
            double tm = peer ? Stats.median(torchMs.get(k)) : Double.NaN;
            System.out.printf(Locale.ROOT, "K=%d median: regula %.3f ms/step (%.0f heads*steps/s), pytorch %.3f ms/step (%.0f heads*steps/s),"
                    + " regula/pytorch %.2f%n", k, rm, 1000.0 * k / rm, tm, 1000.0 * k / tm, rm / tm);
            line.put("k" + k + "_ms", fmt(rm));
            line.put("k" + k + "_cpu_ms", fmt(Stats.median(regulaCpuMs.get(k))));
            line.put("torch_k" + k + "_ms", fmt(tm));
            line.put("k" + k + "_heads_steps_per_s", String.format(Locale.ROOT, "%.0f", 1000.0 * k / rm));
            line.put("k" + k + "_vs_torch", fmt(rm / tm));
            double flops = Flops.mlpStep(batch, train.dim(), List.of(128), classes, k);
            double rG = flops / rm / 1e6;
            double tG = flops / tm / 1e6;
            double cG = flops / Stats.median(regulaCpuMs.get(k)) / 1e6;
            System.out.printf(Locale.ROOT, "K=%d work: %.2f MFLOP per step; regula %.1f GFLOP/s (%.1f%% of the %d-thread fp32 ceiling %.1f;"
                    + " per thread-CPU second %.1f GFLOP/s, %.1f%%), pytorch %.1f GFLOP/s (%.1f%%)%n",
                    k, flops / 1e6, rG, 100 * rG / ceiling, threads, ceiling, cG, 100 * cG / ceiling, tG, 100 * tG / ceiling);
            line.put("k" + k + "_cpu_ceiling_frac", String.format(Locale.ROOT, "%.4f", cG / ceiling));
            line.put("k" + k + "_ceiling_frac", String.format(Locale.ROOT, "%.4f", rG / ceiling));
            line.put("torch_k" + k + "_ceiling_frac", String.format(Locale.ROOT, "%.4f", tG / ceiling));
        }
        if (regulaMs.containsKey(1)) {
            double one = Stats.median(regulaMs.get(1));
            for (int k : ks) {
                if (k != 1) {
                    line.put("k" + k + "_over_k1", fmt(Stats.median(regulaMs.get(k)) / one));
                }
            }
            line.put("ratio", regulaMs.containsKey(8) ? fmt(Stats.median(regulaMs.get(8)) / one) : "n/a");
        }
        String loadAfter = Ceiling.load();
        System.out.println("load after: " + loadAfter);
        line.put("load_before", loadBefore.replace(' ', '/'));
        line.put("load_after", loadAfter.replace(' ', '/'));
        StringBuilder sb = new StringBuilder();
        line.forEach((key, v) -> sb.append(sb.length() == 0 ? "" : " ").append(key).append('=').append(v));
        System.out.println(sb);
    }

    /** One timed Regula run of a stack of {@code k} heads: mean wall and thread-CPU ms over the timed steps. */
    private static double[] regula(FeatureMatrix train, int classes, HeadSpec head, int k, int batch, int epochs, long seed,
            int warmup, int steps, int stepsPerEpoch) {
        List<HeadJob> jobs = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            RegularizationSpec reg = RegularizationSpec.builder().dropout(DropoutSpec.of(DropoutSpec.Kind.STANDARD, 0.2, 0))
                    .weightDecay(1e-2).build();
            jobs.add(HeadJob.of(reg, TrainingSpec.adam(1e-3, batch, epochs, seed + i).withOptimizer(TrainingSpec.Optimizer.ADAMW, 0)));
        }
        long[] stamps = new long[epochs * stepsPerEpoch + 1];
        long[] cpu = new long[stamps.length];
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        stamps[0] = System.nanoTime();
        cpu[0] = mx.getCurrentThreadCpuTime();
        List<TrainedHead> out = StackedTrainer.train(train, null, classes, head, seed, jobs, (epoch, step, net) -> {
            stamps[(int) step] = System.nanoTime();
            cpu[(int) step] = mx.getCurrentThreadCpuTime();
        });
        if (out.size() != k) {
            throw new IllegalStateException("expected " + k + " heads, got " + out.size());
        }
        long nanos = 0;
        long cpuNanos = 0;
        int timed = 0;
        for (int s = warmup + 1; s <= warmup + steps; s++) {
            if ((s - 1) % stepsPerEpoch == 0) {
                continue;
            }
            nanos += stamps[s] - stamps[s - 1];
            cpuNanos += cpu[s] - cpu[s - 1];
            timed++;
        }
        return new double[] {nanos / 1e6 / timed, cpuNanos / 1e6 / timed};
    }

    private static String python(Map<String, String> o, FeatureStore store, StoreManifest.SplitEntry entry, FeatureMatrix train,
            int classes, int k) throws Exception {
        List<String> cmd = List.of(o.get("python"), "-s", o.get("script"),
                "--features", store.dir().resolve(entry.features().file()).toString(),
                "--labels", store.dir().resolve(entry.labels().file()).toString(),
                "--rows", Integer.toString(train.rows()), "--dim", Integer.toString(train.dim()),
                "--classes", Integer.toString(classes), "--heads", Integer.toString(k), "--batch", o.get("batch"),
                "--warmup", o.get("warmup"), "--steps", o.get("steps"), "--threads", o.get("threads"), "--seed", o.get("seed"),
                "--hidden", "128", "--dropout", "0.2", "--lr", "1e-3", "--weight-decay", "1e-2");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        StringBuilder all = new StringBuilder();
        String last = null;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String l; (l = r.readLine()) != null; ) {
                all.append(l).append('\n');
                last = l;
            }
        }
        int rc = p.waitFor();
        if (rc != 0 || last == null || !last.contains("step_ms=")) {
            throw new IllegalStateException("PyTorch peer exited with " + rc + ":\n" + all);
        }
        return last;
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }


    private static Map<String, String> options(String[] args) {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("store", null);
        o.put("threads", "1");
        o.put("heads", "1,8,32");
        o.put("rounds", "3");
        o.put("warmup", "30");
        o.put("steps", "200");
        o.put("batch", "64");
        o.put("seed", "42");
        o.put("python", "/usr/bin/python3");
        o.put("script", "benchmarks/multi_head_torch.py");
        o.put("ceiling", "benchmarks/out/ceiling.properties");
        o.put("peer", "true");
        Options.parse(o, args);
        if (o.get("store") == null) {
            throw new IllegalArgumentException("--store is required (a feature store folder)");
        }
        return o;
    }
}
