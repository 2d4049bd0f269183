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
 * Step time of a stack of K heads (384-128-2 MLP, dropout 0.2 after the hidden layer, AdamW lr 1e-3
 * wd 1e-2, batch 64) on the SpamAssassin MiniLM features for K = 1, 8, 32: Regula's
 * {@code StackedTrainer} against the same stacked computation in PyTorch
 * ({@code benchmarks/multi_head_torch.py}: one {@code [d, K·H]} GEMM, then {@code bmm}).
 *
 * <p>This process builds the features once with {@link FeatureJob} (reused while up to date, shared
 * with head-train), then starts one JVM ({@link MultiHeadRace}) with the libtorch thread count,
 * which is fixed when DJL loads it, echoes its lines and ends with its key=value line, whose
 * {@code ratio} is Regula's K = 8 step time over its K = 1 step time (lower is better; the target is <= 2).
 *
 * <p>Options: {@code --threads 1 --heads 1,8,32 --rounds 3 --warmup 30 --steps 200 --batch 64
 * --seed 42 --python /usr/bin/python3 --data examples/spam/spamassassin.jsonl.gz
 * --out benchmarks/out/head-train --cache benchmarks/target/backbone-cache --ceiling benchmarks/out/ceiling.properties}.
 */
public final class MultiHeadBenchmark {
    private MultiHeadBenchmark() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> o = options(args);
        String artifact = HeadTrainBenchmark.ARTIFACT;
        FeatureJobSpec spec = new FeatureJobSpec(artifact + "all-minilm-l6-v2.onnx", artifact + "all-minilm-l6-v2-tokenizer.json",
                new FeatureSpec("last_hidden_state", Pooling.MEAN, true), 128, true,
                DatasetSpec.of(Path.of(o.get("data")), DatasetFormat.JSONL),
                SplitSpec.stratified(SplitFractions.DEFAULT, 42), FeatureExtractorOptions.defaults(),
                Path.of(o.get("out")), Path.of(o.get("cache")));
        long t0 = System.nanoTime();
        FeatureJobResult features = FeatureJob.run(spec);
        System.out.printf(Locale.ROOT, "features: %s in %s (%s, dim %d, %.1f s)%n", features.upToDate() ? "up to date" : "built",
                features.store(), features.rows(), features.dim(), (System.nanoTime() - t0) / 1e9);

        String java = ProcessHandle.current().info().command().orElse("java");
        String threads = o.get("threads");
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx3g",
                "-Dai.djl.pytorch.num_threads=" + threads, "-Dai.djl.pytorch.num_interop_threads=1",
                "-cp", System.getProperty("java.class.path"), MultiHeadRace.class.getName(),
                "--store", features.store().toString()));
        for (String k : List.of("threads", "heads", "rounds", "warmup", "steps", "batch", "seed", "python", "ceiling")) {
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
            throw new IllegalStateException("the multi-head race exited with " + rc + " without a result line");
        }
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("threads", "1");
        o.put("heads", "1,8,32");
        o.put("rounds", "3");
        o.put("warmup", "30");
        o.put("steps", "200");
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
