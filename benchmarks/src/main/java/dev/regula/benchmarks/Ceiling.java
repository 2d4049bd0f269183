package dev.regula.benchmarks;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.regula.models.ElemType;
import dev.regula.models.GraphBuilder;
import dev.regula.models.OnnxRef;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;

/**
 * The machine's matrix-product ceiling as ONNX Runtime's own CPU kernels reach it: the median rate of
 * one {@code MatMul} (fp32) or {@code MatMulInteger} (8-bit) of two square n×n inputs, after warm-up.
 * Both operands are graph inputs, so nothing is constant-folded; packing B costs O(n²) against the
 * product's 2n³, which at n ≥ 1024 is noise.
 *
 * <p>Rates are in GFLOP/s (for int8, giga integer multiply-adds ×2, "GOP/s"), counting 2n³ per product.
 */
final class Ceiling {
    /** The 8-bit operand pairs {@code MatMulInteger} is tried with: A's type × B's type. */
    enum Int8Pair {
        U8S8(ElemType.UINT8, ElemType.INT8), U8U8(ElemType.UINT8, ElemType.UINT8), S8S8(ElemType.INT8, ElemType.INT8);

        final ElemType a;
        final ElemType b;

        Int8Pair(ElemType a, ElemType b) {
            this.a = a;
            this.b = b;
        }

        String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** One measured rate: {@code kind} is fp32 or an {@link Int8Pair} key. */
    record Rate(String kind, int threads, int n, double medianSeconds, double gflops) {
        Rate {
            if (threads < 1 || n < 1 || !(medianSeconds > 0)) {
                throw new IllegalArgumentException("threads, n and seconds must be positive: " + threads + ", " + n + ", " + medianSeconds);
            }
        }
    }

    private Ceiling() {
    }

    /** FLOPs of one n×n by n×n product. */
    static double gemmFlops(int n) {
        return 2.0 * n * n * (double) n;
    }

    /** Median fp32 MatMul rate at size n on {@code threads} intra-op threads. */
    static Rate fp32(int n, int threads, int warmup, int reps, long seed) throws OrtException {
        GraphBuilder g = GraphBuilder.create("ceiling_matmul_fp32");
        OnnxRef a = g.input("A", ElemType.FLOAT, n, n);
        OnnxRef b = g.input("B", ElemType.FLOAT, n, n);
        g.output(g.node("MatMul", List.of(a, b), Map.of()), "Y", ElemType.FLOAT, n, n);
        SplittableRandom rng = new SplittableRandom(seed);
        float[] x = new float[n * n];
        float[] y = new float[n * n];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (rng.nextDouble() - 0.5);
            y[i] = (float) (rng.nextDouble() - 0.5);
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions so = options(threads);
             OrtSession s = env.createSession(bytes(g), so);
             OnnxTensor ta = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {n, n});
             OnnxTensor tb = OnnxTensor.createTensor(env, FloatBuffer.wrap(y), new long[] {n, n})) {
            return rate("fp32", threads, n, time(s, Map.of("A", ta, "B", tb), warmup, reps));
        }
    }

    /**
     * Median MatMulInteger rate at size n for one operand pair, or null when this ONNX Runtime has no CPU
     * kernel for the pair (the session or the run fails with NOT_IMPLEMENTED or a type error).
     */
    static Rate int8(Int8Pair pair, int n, int threads, int warmup, int reps, long seed) throws OrtException {
        GraphBuilder g = GraphBuilder.create("ceiling_matmulinteger_" + pair.key());
        OnnxRef a = g.input("A", pair.a, n, n);
        OnnxRef b = g.input("B", pair.b, n, n);
        g.output(g.node("MatMulInteger", List.of(a, b), Map.of()), "Y", ElemType.INT32, n, n);
        SplittableRandom rng = new SplittableRandom(seed);
        ByteBuffer x = ByteBuffer.allocateDirect(n * n).order(ByteOrder.nativeOrder());
        ByteBuffer y = ByteBuffer.allocateDirect(n * n).order(ByteOrder.nativeOrder());
        for (int i = 0; i < n * n; i++) {
            x.put((byte) rng.nextInt(256));
            y.put((byte) rng.nextInt(256));
        }
        x.rewind();
        y.rewind();
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions so = options(threads);
             OrtSession s = env.createSession(bytes(g), so);
             OnnxTensor ta = OnnxTensor.createTensor(env, x, new long[] {n, n}, javaType(pair.a));
             OnnxTensor tb = OnnxTensor.createTensor(env, y, new long[] {n, n}, javaType(pair.b))) {
            return rate(pair.key(), threads, n, time(s, Map.of("A", ta, "B", tb), warmup, reps));
        } catch (OrtException e) {
            if (e.getCode() == OrtException.OrtErrorCode.ORT_NOT_IMPLEMENTED || e.getCode() == OrtException.OrtErrorCode.ORT_INVALID_GRAPH
                    || e.getCode() == OrtException.OrtErrorCode.ORT_FAIL) {
                System.out.printf(Locale.ROOT, "ceiling: MatMulInteger %s is not available on this ONNX Runtime's CPU provider (%s)%n",
                        pair.key(), firstLine(e.getMessage()));
                return null;
            }
            throw e;
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        String l = nl < 0 ? s : s.substring(0, nl);
        return l.length() > 160 ? l.substring(0, 160) + "..." : l;
    }

    private static OnnxJavaType javaType(ElemType t) {
        return t == ElemType.UINT8 ? OnnxJavaType.UINT8 : OnnxJavaType.INT8;
    }

    private static byte[] bytes(GraphBuilder g) {
        try {
            return g.build().toBytes();
        } catch (dev.regula.models.OnnxModelException e) {
            throw new IllegalStateException("cannot serialize the ceiling graph: " + e.getMessage(), e);
        }
    }

    private static OrtSession.SessionOptions options(int threads) throws OrtException {
        OrtSession.SessionOptions so = new OrtSession.SessionOptions();
        so.setIntraOpNumThreads(threads);
        so.setInterOpNumThreads(1);
        so.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
        so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        return so;
    }

    private static double time(OrtSession s, Map<String, OnnxTensor> feed, int warmup, int reps) throws OrtException {
        for (int i = 0; i < warmup; i++) {
            s.run(feed).close();
        }
        List<Double> secs = new ArrayList<>(reps);
        for (int i = 0; i < reps; i++) {
            long t0 = System.nanoTime();
            s.run(feed).close();
            secs.add((System.nanoTime() - t0) / 1e9);
        }
        return Stats.median(secs);
    }

    private static Rate rate(String kind, int threads, int n, double medianSeconds) {
        return new Rate(kind, threads, n, medianSeconds, gemmFlops(n) / medianSeconds / 1e9);
    }

    /** The 1-, 5- and 15-minute load averages, as /proc/loadavg gives them ("n/a" elsewhere). */
    static String load() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "n/a";
        }
    }

    /** The properties key of a ceiling: {@code fp32_gflops_2t}, {@code int8_gops_1t}. */
    static String key(String kind, int threads) {
        return kind + (kind.equals("fp32") ? "_gflops_" : "_gops_") + threads + "t";
    }

    /** Writes {@code p} to {@code file}, creating its folder. */
    static void write(Properties p, Path file, String comment) throws IOException {
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        try (Writer w = Files.newBufferedWriter(file)) {
            p.store(w, comment);
        }
    }

    /** The ceiling file {@code benchmarks/run ceiling} writes, or null when there is none. */
    static Properties read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        }
        return p;
    }

    /**
     * A ceiling for another benchmark: {@code key} (e.g. {@code fp32_gflops_1t}) from {@code file} when it
     * exists, else a quick in-process fp32 measurement (n = 1024, 2 warm-up and 5 timed products) on
     * {@code threads} threads. Prints where the figure came from and the load it was measured at.
     */
    static double lookup(Path file, String kind, int threads) throws Exception {
        String key = key(kind, threads);
        Properties p = read(file);
        if (p != null && p.getProperty(key) != null) {
            double v = Double.parseDouble(p.getProperty(key));
            System.out.printf(Locale.ROOT, "ceiling: %s = %.1f %s from %s (measured %s at load %s; load now %s)%n",
                    key, v, kind.equals("fp32") ? "GFLOP/s" : "GOP/s", file, p.getProperty("measured_at", "?"), p.getProperty("load_before", "?"), load());
            return v;
        }
        if (!kind.equals("fp32")) {
            throw new IllegalArgumentException(file + " has no '" + key + "'; run benchmarks/run ceiling first");
        }
        String before = load();
        Rate r = fp32(1024, threads, 2, 5, 7);
        System.out.printf(Locale.ROOT, "ceiling: %s has no '%s'; measured in-process: fp32 MatMul n=1024 on %d thread(s) %.1f GFLOP/s"
                + " (load %s before, %s after; benchmarks/run ceiling measures it properly)%n", file, key, threads, r.gflops(), before, load());
        return r.gflops();
    }
}
