package dev.regula.benchmarks;

import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * The machine's fp32 and int8 matrix-product ceilings through ONNX Runtime's own CPU kernels
 * ({@code MatMul}, {@code MatMulInteger}), on all cores and on one thread, in one JVM. The other
 * benchmarks divide their FLOP rates by these figures; they read them from {@code --out}.
 *
 * <p>Options: {@code --sizes 1024,1536,2048 --threads <cores>,1 --warmup 3 --reps 10
 * --int8 u8s8,u8u8 (s8s8 also accepted) --out benchmarks/out/ceiling.properties}.
 */
public final class CeilingBenchmark {
    private CeilingBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int cores = Runtime.getRuntime().availableProcessors();
        Map<String, String> o = new LinkedHashMap<>();
        o.put("sizes", "1024,1536,2048");
        o.put("threads", cores + (cores > 1 ? ",1" : ""));
        o.put("warmup", "3");
        o.put("reps", "10");
        o.put("int8", "u8s8,u8u8");
        o.put("out", "benchmarks/out/ceiling.properties");
        Options.parse(o, args);
        int warmup = Integer.parseInt(o.get("warmup"));
        int reps = Integer.parseInt(o.get("reps"));
        List<Integer> sizes = ints(o.get("sizes"), "sizes");
        List<Integer> threadCounts = ints(o.get("threads"), "threads");
        List<Ceiling.Int8Pair> pairs = new ArrayList<>();
        for (String k : o.get("int8").split(",")) {
            if (!k.isBlank()) {
                try {
                    pairs.add(Ceiling.Int8Pair.valueOf(k.trim().toUpperCase(Locale.ROOT)));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("--int8: unknown pair '" + k + "', expected u8s8, u8u8 or s8s8");
                }
            }
        }
        String loadBefore = Ceiling.load();
        System.out.printf(Locale.ROOT, "ceiling: cores=%d sizes=%s threads=%s warmup=%d reps=%d; load before %s%n",
                cores, sizes, threadCounts, warmup, reps, loadBefore);
        Properties p = new Properties();
        Map<String, String> line = new LinkedHashMap<>();
        line.put("benchmark", "ceiling");
        line.put("cores", Integer.toString(cores));
        for (int t : threadCounts) {
            Ceiling.Rate bestF = null;
            Ceiling.Rate bestI = null;
            for (int n : sizes) {
                Ceiling.Rate f = Ceiling.fp32(n, t, warmup, reps, 1);
                print(f);
                bestF = bestF == null || f.gflops() > bestF.gflops() ? f : bestF;
                for (Ceiling.Int8Pair pair : pairs) {
                    Ceiling.Rate r = Ceiling.int8(pair, n, t, warmup, reps, 2);
                    if (r != null) {
                        print(r);
                        bestI = bestI == null || r.gflops() > bestI.gflops() ? r : bestI;
                    }
                }
            }
            put(p, line, "fp32", t, bestF);
            if (bestI != null) {
                put(p, line, "int8", t, bestI);
                line.put("int8_pair_" + t + "t", bestI.kind());
                p.setProperty("int8_pair_" + t + "t", bestI.kind());
            }
        }
        String loadAfter = Ceiling.load();
        int all = threadCounts.get(0);
        String fKey = Ceiling.key("fp32", all);
        String iKey = Ceiling.key("int8", all);
        p.setProperty("load_before", loadBefore);
        p.setProperty("load_after", loadAfter);
        p.setProperty("measured_at", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        p.setProperty("cores", Integer.toString(cores));
        Path out = Path.of(o.get("out"));
        Ceiling.write(p, out, "benchmarks/run ceiling: median rate of the best size per kind and thread count");
        System.out.printf(Locale.ROOT, "ceiling: load after %s; wrote %s%n", loadAfter, out);
        line.put("load_before", loadBefore.replace(' ', '/'));
        line.put("load_after", loadAfter.replace(' ', '/'));
        if (p.getProperty(iKey) != null) {
            // ratio: the int8 rate over the fp32 rate, both on all the cores of the first --threads entry.
            line.put("ratio", String.format(Locale.ROOT, "%.2f",
                    Double.parseDouble(p.getProperty(iKey)) / Double.parseDouble(p.getProperty(fKey))));
        }
        StringBuilder sb = new StringBuilder();
        line.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : " ").append(k).append('=').append(v));
        System.out.println(sb);
    }

    private static void put(Properties p, Map<String, String> line, String kind, int threads, Ceiling.Rate best) {
        String v = String.format(Locale.ROOT, "%.1f", best.gflops());
        String key = Ceiling.key(kind, threads);
        p.setProperty(key, v);
        p.setProperty(key + "_n", Integer.toString(best.n()));
        line.put(key, v);
        line.put(key + "_n", Integer.toString(best.n()));
    }

    private static void print(Ceiling.Rate r) {
        System.out.printf(Locale.ROOT, "%-5s threads=%d n=%4d  median %8.2f ms  %7.1f %s%n", r.kind(), r.threads(), r.n(),
                r.medianSeconds() * 1e3, r.gflops(), r.kind().equals("fp32") ? "GFLOP/s" : "GOP/s");
    }

    private static List<Integer> ints(String csv, String name) {
        List<Integer> out = new ArrayList<>();
        for (String s : csv.split(",")) {
            int v;
            try {
                v = Integer.parseInt(s.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--" + name + ": '" + s + "' is not a whole number");
            }
            if (v < 1) {
                throw new IllegalArgumentException("--" + name + ": " + v + " must be at least 1");
            }
            out.add(v);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("--" + name + " is empty");
        }
        return out;
    }
}
