package dev.regula.benchmarks;

import dev.regula.transfer.features.FeatureMatrix;
import dev.regula.transfer.features.FeatureStore;
import dev.regula.transfer.head.HeadActivation;
import dev.regula.transfer.head.HeadSpec;
import dev.regula.transfer.head.LayerWeights;
import dev.regula.transfer.regularize.EarlyStoppingSpec;
import dev.regula.transfer.regularize.RegularizationSpec;
import dev.regula.transfer.train.HeadTrainer;
import dev.regula.transfer.train.Metrics;
import dev.regula.transfer.train.TrainedHead;
import dev.regula.transfer.train.TrainingSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Training on a feature store with a sparse lexical block: the per-batch densified path (as stored) against the
 * dense path (the same rows densified in memory first), for the spam example's linear head (AdamW lr 0.02, batch
 * 64, up to 40 epochs, weight decay 1e-4, early stopping on val loss, patience 5) or an MLP head. Reports train
 * seconds, the process's peak resident memory (VmHWM) and, with {@code --mode both}, the largest weight difference
 * between the two paths. Run each mode in its own process for a clean peak memory figure.
 *
 * <p>Options: {@code --store DIR} (a features stage's {@code store/}, e.g. {@code /tmp/spamlex20k/features/store}),
 * {@code --mode sparse|dense|both}, {@code --head linear|mlp}. {@code --mode layer --out N --steps S} times the
 * first layer alone (forward and backward of {@code x · W}, W {@code [dim, N]}, batches of 64 train rows): the batch
 * densified on the host then a dense product, against DJL's PyTorch COO array ({@code createCoo}) times W.
 */
public final class SparseTrainBenchmark {
    private SparseTrainBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> defaults = new LinkedHashMap<>();
        defaults.put("store", "/tmp/spamlex20k/features/store");
        defaults.put("mode", "both");
        defaults.put("head", "linear");
        defaults.put("out", "128");
        defaults.put("steps", "100");
        Map<String, String> o = Options.parse(defaults, args);
        Path dir = Path.of(o.get("store"));
        FeatureStore store = FeatureStore.open(dir);
        FeatureMatrix train = store.split("train");
        FeatureMatrix val = store.split("val");
        FeatureMatrix test = store.split("test");
        long disk = 0;
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                disk += Files.size(p);
            }
        }
        long rows = train.rows() + val.rows() + test.rows();
        long nnz = train.hasSparse() ? (long) train.sparse().nnz() + val.sparse().nnz() + test.sparse().nnz() : -1;
        System.out.printf(Locale.ROOT, "store: %d rows x %d columns (sparse block: %b, %d non-zeros, %.1f a row), %d bytes on disk;"
                + " dense float32 would be %d bytes%n", rows, train.dim(), train.hasSparse(), nnz, (double) nnz / rows, disk,
                rows * train.dim() * 4L);
        HeadSpec head = o.get("head").equals("mlp") ? HeadSpec.mlp(HeadActivation.GELU, 128) : HeadSpec.linear();
        RegularizationSpec reg = RegularizationSpec.builder().weightDecay(1e-4)
                .earlyStopping(new EarlyStoppingSpec(EarlyStoppingSpec.Metric.VAL_LOSS, 5, 0)).build();
        TrainingSpec training = TrainingSpec.adam(0.02, 64, 40, 42).withOptimizer(TrainingSpec.Optimizer.ADAMW, 0);
        String mode = o.get("mode");
        if (mode.equals("layer")) {
            firstLayer(train, Integer.parseInt(o.get("out")), Integer.parseInt(o.get("steps")));
            return;
        }
        TrainedHead sparse = null;
        TrainedHead dense = null;
        if (!mode.equals("dense")) {
            sparse = timed("sparse", () -> HeadTrainer.train(train, val, store.labels().size(), head, reg, training), test);
        }
        if (!mode.equals("sparse")) {
            long t0 = System.nanoTime();
            FeatureMatrix dTrain = train.densified();
            FeatureMatrix dVal = val.densified();
            System.out.printf(Locale.ROOT, "dense: densified train+val in %.2f s%n", (System.nanoTime() - t0) / 1e9);
            dense = timed("dense", () -> HeadTrainer.train(dTrain, dVal, store.labels().size(), head, reg, training), test);
        }
        double diff = sparse != null && dense != null ? maxDiff(sparse.layers(), dense.layers()) : Double.NaN;
        System.out.printf(Locale.ROOT, "benchmark=sparse-train mode=%s head=%s dim=%d peak_rss_mb=%d max_weight_diff=%.3g%n", mode,
                o.get("head"), train.dim(), peakRssKb() / 1024, diff);
    }

    private static void firstLayer(FeatureMatrix train, int out, int steps) {
        int dim = train.dim();
        int batch = 64;
        for (String how : List.of("densify", "coo", "densify", "coo")) {
            try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager()) {
                ai.djl.ndarray.NDArray w = m.randomNormal(new ai.djl.ndarray.types.Shape(dim, out)).mul(0.01f);
                w.setRequiresGradient(true);
                long t0 = System.nanoTime();
                long c0 = cpuNanos();
                for (int s = 0; s < steps; s++) {
                    int[] rows = new int[batch];
                    for (int i = 0; i < batch; i++) {
                        rows[i] = (s * batch + i) % train.rows();
                    }
                    try (ai.djl.ndarray.NDManager sub = m.newSubManager();
                         ai.djl.training.GradientCollector gc = ai.djl.engine.Engine.getInstance().newGradientCollector()) {
                        sub.tempAttachAll(w);
                        ai.djl.ndarray.NDArray x = how.equals("densify") ? densified(sub, train, rows) : coo(sub, train, rows);
                        ai.djl.ndarray.NDArray y = x.matMul(w);
                        gc.backward(y.sum());
                    }
                }
                double ms = (System.nanoTime() - t0) / 1e6 / steps;
                double cpuMs = (cpuNanos() - c0) / 1e6 / steps;
                System.out.printf(Locale.ROOT, "layer: %s, 64 x %d times %d x %d, forward+backward %.2f ms wall, %.2f ms CPU a batch%n",
                        how, dim, dim, out, ms, cpuMs);
            } catch (RuntimeException e) {
                System.out.printf(Locale.ROOT, "layer: %s failed: %s%n", how, e);
            }
        }
    }

    private static ai.djl.ndarray.NDArray densified(ai.djl.ndarray.NDManager m, FeatureMatrix x, int[] rows) {
        float[] buf = new float[rows.length * x.dim()];
        x.rowsInto(rows, buf);
        return m.create(buf, new ai.djl.ndarray.types.Shape(rows.length, x.dim()));
    }

    private static ai.djl.ndarray.NDArray coo(ai.djl.ndarray.NDManager m, FeatureMatrix x, int[] rows) {
        float[] row = new float[x.dim()];
        List<long[]> at = new java.util.ArrayList<>();
        List<Float> v = new java.util.ArrayList<>();
        for (int i = 0; i < rows.length; i++) {
            x.rowInto(rows[i], row, 0);
            for (int c = 0; c < row.length; c++) {
                if (row[c] != 0f) {
                    at.add(new long[] {i, c});
                    v.add(row[c]);
                }
            }
        }
        long[][] idx = new long[2][at.size()];
        float[] val = new float[at.size()];
        for (int k = 0; k < val.length; k++) {
            idx[0][k] = at.get(k)[0];
            idx[1][k] = at.get(k)[1];
            val[k] = v.get(k);
        }
        return m.createCoo(java.nio.FloatBuffer.wrap(val), idx, new ai.djl.ndarray.types.Shape(rows.length, x.dim()));
    }

    private interface Train {
        TrainedHead run();
    }

    private static TrainedHead timed(String what, Train t, FeatureMatrix test) {
        long t0 = System.nanoTime();
        long c0 = cpuNanos();
        TrainedHead h = t.run();
        double s = (System.nanoTime() - t0) / 1e9;
        double cpu = (cpuNanos() - c0) / 1e9;
        Metrics m = Metrics.of(h.predictProba(test), test.labels());
        System.out.printf(Locale.ROOT, "%s: train %.2f s wall, %.2f s process CPU, %d epochs (best %d), test accuracy %.4f, NLL %.4f,"
                + " peak RSS so far %d MB%n", what, s, cpu, h.history().epochs().size(), h.history().bestEpoch(), m.accuracy(), m.loss(),
                peakRssKb() / 1024);
        return h;
    }

    private static double maxDiff(List<LayerWeights> a, List<LayerWeights> b) {
        double d = 0;
        for (int l = 0; l < a.size(); l++) {
            float[] x = a.get(l).flatW();
            float[] y = b.get(l).flatW();
            for (int i = 0; i < x.length; i++) {
                d = Math.max(d, Math.abs(x[i] - y[i]));
            }
            for (int i = 0; i < a.get(l).b().length; i++) {
                d = Math.max(d, Math.abs(a.get(l).b()[i] - b.get(l).b()[i]));
            }
        }
        return d;
    }

    /** CPU time of the whole process (all threads, GC included): on a shared machine it varies less than wall time. */
    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** The process's peak resident set (VmHWM) in kB, or -1 where /proc is missing. */
    private static long peakRssKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (java.io.IOException e) {
            return -1;
        }
        return -1;
    }
}
