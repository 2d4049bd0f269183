package dev.regula.benchmarks;

import dev.regula.transfer.features.FeatureMatrix;
import dev.regula.transfer.features.FeatureStore;
import dev.regula.transfer.features.StoreManifest;
import dev.regula.transfer.head.HeadActivation;
import dev.regula.transfer.head.HeadSpec;
import dev.regula.transfer.regularize.DropoutSpec;
import dev.regula.transfer.regularize.RegularizationSpec;
import dev.regula.transfer.train.HeadTrainer;
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
 * One thread count of the head-train benchmark, in a JVM whose libtorch thread counts were set on
 * the command line: {@code --warm-runs} untimed Regula runs, then rounds alternating Regula
 * ({@link HeadTrainer#train} with a step listener that reads the clock) and PyTorch
 * ({@code benchmarks/head_train_torch.py}, one process per round).
 *
 * <p>Both sides time steps {@code warmup+1 .. warmup+steps} except the first step of each epoch:
 * on Regula's side that interval also holds the per-epoch evaluation on the train and val splits,
 * which is not a training step. That per-epoch cost is reported apart ({@code regula_epoch_ms}).
 * {@code ratio} is Regula's median step time over PyTorch's (median over rounds); {@code best_ratio}
 * compares the fastest rounds, the steadier number where other processes share the cores.
 *
 * <p>Each side also reads its training thread's CPU time at the same points. With one thread
 * all of a step's work (libtorch's kernels, autograd, BLAS) runs on that thread on both sides, so
 * {@code cpu_ratio} compares the work per step while other processes take turns on the cores,
 * which the wall clock cannot. With more threads it undercounts both sides and is not reported.
 */
public final class HeadTrainRace {
    private HeadTrainRace() {}

    /** One side's round: wall and thread-CPU milliseconds per timed step. */
    private record Round(double stepMs, double cpuMs, int timedSteps, String detail) {}

    public static void main(String[] args) throws Exception {
        Map<String, String> o = options(args);
        int threads = Integer.parseInt(o.get("threads"));
        int rounds = Integer.parseInt(o.get("rounds"));
        int warmup = Integer.parseInt(o.get("warmup"));
        int steps = Integer.parseInt(o.get("steps"));
        int batch = Integer.parseInt(o.get("batch"));
        int warmRuns = Integer.parseInt(o.get("warm-runs"));
        long seed = Long.parseLong(o.get("seed"));
        if (warmup < 1 || steps < 1 || rounds < 1 || warmRuns < 0) {
            throw new IllegalArgumentException("--warmup, --steps and --rounds must be >= 1, --warm-runs >= 0");
        }
        FeatureStore store = FeatureStore.open(Path.of(o.get("store")));
        FeatureMatrix train = store.split("train");
        FeatureMatrix val = store.split("val");
        int classes = store.labels().size();
        StoreManifest.SplitEntry entry = store.manifest().splits().get("train");

        HeadSpec head = HeadSpec.mlp(HeadActivation.RELU, 256);
        RegularizationSpec reg = RegularizationSpec.builder()
                .dropout(DropoutSpec.of(DropoutSpec.Kind.STANDARD, 0.5, 0.2)).weightDecay(1e-2).build();
        int stepsPerEpoch = (train.rows() + batch - 1) / batch;
        int epochs = (warmup + steps + stepsPerEpoch - 1) / stepsPerEpoch;
        TrainingSpec spec = TrainingSpec.adam(1e-3, batch, epochs, seed).withOptimizer(TrainingSpec.Optimizer.ADAMW, 0);
        System.out.printf(Locale.ROOT, "threads=%d: %dx%d train rows, %d classes, head %d-256-%d, %d steps/epoch, %d epochs per Regula run%n",
                threads, train.rows(), train.dim(), classes, train.dim(), classes, stepsPerEpoch, epochs);

        List<String> python = List.of(o.get("python"), "-s", o.get("script"),
                "--features", store.dir().resolve(entry.features().file()).toString(),
                "--labels", store.dir().resolve(entry.labels().file()).toString(),
                "--rows", Integer.toString(train.rows()), "--dim", Integer.toString(train.dim()),
                "--classes", Integer.toString(classes), "--batch", Integer.toString(batch),
                "--warmup", Integer.toString(warmup), "--steps", Integer.toString(steps),
                "--threads", Integer.toString(threads), "--seed", Long.toString(seed),
                "--hidden", "256", "--input-dropout", "0.2", "--dropout", "0.5", "--lr", "1e-3", "--weight-decay", "1e-2");

        // Untimed Regula runs first, so that the JIT has compiled the step's Java code before round 1:
        // on a 2-core machine the compiler threads otherwise take the training thread's core in the
        // first timed rounds. PyTorch's interpreter has nothing to warm beyond each round's warm-up steps.
        for (int w = 0; w < warmRuns; w++) {
            long t0 = System.nanoTime();
            HeadTrainer.train(train, val, classes, head, reg, spec);
            System.out.printf(Locale.ROOT, "threads=%d warm-up run %d (untimed): %.1f s%n", threads, w + 1, (System.nanoTime() - t0) / 1e9);
        }
        List<Double> regulaMs = new ArrayList<>();
        List<Double> torchMs = new ArrayList<>();
        List<Double> epochMs = new ArrayList<>();
        List<Double> regulaCpu = new ArrayList<>();
        List<Double> torchCpu = new ArrayList<>();
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        String torchVersion = "?";
        for (int r = 0; r < rounds; r++) {
            // Alternate who goes first so that neither always runs on a warmer (or busier) machine.
            for (int side = 0; side < 2; side++) {
                boolean regulaTurn = (side == 0) == (r % 2 == 0);
                Round res;
                if (regulaTurn) {
                    long[] stamps = new long[epochs * stepsPerEpoch + 1];
                    long[] cpu = new long[stamps.length];
                    stamps[0] = System.nanoTime();
                    cpu[0] = mx.getCurrentThreadCpuTime();
                    TrainedHead trained = HeadTrainer.train(train, val, classes, head, reg, spec, (epoch, step, net) -> {
                        stamps[(int) step] = System.nanoTime();
                        cpu[(int) step] = mx.getCurrentThreadCpuTime();
                    });
                    res = regulaRound(stamps, cpu, warmup, steps, stepsPerEpoch, trained);
                    regulaMs.add(res.stepMs());
                    regulaCpu.add(res.cpuMs());
                    double wall = (stamps[warmup + steps] - stamps[warmup]) / 1e6;
                    epochMs.add((wall - res.stepMs() * steps) / Math.max(1, steps - res.timedSteps()));
                } else {
                    Map<String, String> out = pairs(runPython(python));
                    torchVersion = out.get("torch");
                    res = new Round(Double.parseDouble(out.get("step_ms")), Double.parseDouble(out.get("cpu_step_ms")),
                            Integer.parseInt(out.get("timed_steps")), "final_loss=" + out.get("final_loss"));
                    torchMs.add(res.stepMs());
                    torchCpu.add(res.cpuMs());
                }
                System.out.printf(Locale.ROOT, "threads=%d round %d %-7s %8.1f steps/s  %7.3f ms/step  %7.3f cpu ms/step  (%d steps timed; %s)%n",
                        threads, r + 1, regulaTurn ? "regula" : "pytorch", 1000 / res.stepMs(), res.stepMs(), res.cpuMs(), res.timedSteps(),
                        res.detail());
            }
        }
        double rMs = Stats.median(regulaMs);
        double tMs = Stats.median(torchMs);
        System.out.printf(Locale.ROOT, "threads=%d median: regula %.1f steps/s, pytorch %.1f steps/s, step time ratio regula/pytorch %.2f"
                + " (regula per-epoch evaluation adds ~%.1f ms once per %d steps)%n",
                threads, 1000 / rMs, 1000 / tMs, rMs / tMs, Stats.median(epochMs), stepsPerEpoch);
        // On a shared machine other load only ever adds time, so the best round is reported too.
        double rBest = java.util.Collections.min(regulaMs);
        double tBest = java.util.Collections.min(torchMs);
        System.out.printf(Locale.ROOT, "threads=%d best round: regula %.3f ms/step, pytorch %.3f ms/step, ratio %.2f%n",
                threads, rBest, tBest, rBest / tBest);
        String cpuPairs = "";
        if (threads == 1) {
            double rCpu = Stats.median(regulaCpu);
            double tCpu = Stats.median(torchCpu);
            System.out.printf(Locale.ROOT, "threads=1 thread CPU time: regula %.3f ms/step, pytorch %.3f ms/step, ratio %.2f (medians over rounds)%n",
                    rCpu, tCpu, rCpu / tCpu);
            cpuPairs = String.format(Locale.ROOT, " regula_cpu_ms=%.3f torch_cpu_ms=%.3f cpu_ratio=%.2f", rCpu, tCpu, rCpu / tCpu);
        }
        // FLOPs per step of the work both sides do (Flops.mlpStep), against the ceiling on as many
        // threads as libtorch has here: one thread can use at most one core's rate.
        double flops = Flops.mlpStep(batch, train.dim(), List.of(256), classes, 1);
        double ceiling = Ceiling.lookup(Path.of(o.get("ceiling")), "fp32", threads);
        double rG = flops / rMs / 1e6;
        double tG = flops / tMs / 1e6;
        System.out.printf(Locale.ROOT, "threads=%d work: %.2f MFLOP per step; regula %.1f GFLOP/s (%.1f%% of the %d-thread fp32 ceiling %.1f),"
                + " pytorch %.1f GFLOP/s (%.1f%%); load now %s%n", threads, flops / 1e6, rG, 100 * rG / ceiling, threads, ceiling, tG,
                100 * tG / ceiling, Ceiling.load());
        cpuPairs += String.format(Locale.ROOT, " mflop_per_step=%.2f ceiling=%.1f regula_ceiling_frac=%.4f torch_ceiling_frac=%.4f",
                flops / 1e6, ceiling, rG / ceiling, tG / ceiling);
        System.out.printf(Locale.ROOT, "regula_sps=%.1f torch_sps=%.1f regula_ms=%.3f torch_ms=%.3f regula_best_ms=%.3f torch_best_ms=%.3f"
                + " best_ratio=%.2f regula_epoch_ms=%.1f torch=%s%s ratio=%.2f%n",
                1000 / rMs, 1000 / tMs, rMs, tMs, rBest, tBest, rBest / tBest, Stats.median(epochMs), torchVersion, cpuPairs, rMs / tMs);
    }

    private static Round regulaRound(long[] stamps, long[] cpu, int warmup, int steps, int stepsPerEpoch, TrainedHead trained) {
        long nanos = 0;
        long cpuNanos = 0;
        int timed = 0;
        for (int k = warmup + 1; k <= warmup + steps; k++) {
            if ((k - 1) % stepsPerEpoch == 0) {
                continue;
            }
            nanos += stamps[k] - stamps[k - 1];
            cpuNanos += cpu[k] - cpu[k - 1];
            timed++;
        }
        var last = trained.history().epochs().get(trained.history().epochs().size() - 1);
        return new Round(nanos / 1e6 / timed, cpuNanos / 1e6 / timed, timed,
                String.format(Locale.ROOT, "last epoch objective=%.5f", last.trainObjective()));
    }

    private static String runPython(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        StringBuilder all = new StringBuilder();
        String last = null;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                all.append(line).append('\n');
                last = line;
            }
        }
        int rc = p.waitFor();
        if (rc != 0 || last == null || !last.contains("step_ms=")) {
            throw new IllegalStateException("PyTorch peer " + cmd.subList(0, 3) + " exited with " + rc + ":\n" + all);
        }
        return last;
    }

    /** The {@code key=value} pairs of a line. */
    static Map<String, String> pairs(String line) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String tok : line.trim().split("\\s+")) {
            int eq = tok.indexOf('=');
            if (eq > 0) {
                m.put(tok.substring(0, eq), tok.substring(eq + 1));
            }
        }
        return m;
    }


    private static Map<String, String> options(String[] args) {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("store", null);
        o.put("threads", "1");
        o.put("rounds", "3");
        o.put("warmup", "50");
        o.put("warm-runs", "1");
        o.put("steps", "500");
        o.put("batch", "64");
        o.put("seed", "42");
        o.put("python", "/usr/bin/python3");
        o.put("script", "benchmarks/head_train_torch.py");
        o.put("ceiling", "benchmarks/out/ceiling.properties");
        Options.parse(o, args);
        if (o.get("store") == null) {
            throw new IllegalArgumentException("--store is required (a feature store folder)");
        }
        return o;
    }
}
