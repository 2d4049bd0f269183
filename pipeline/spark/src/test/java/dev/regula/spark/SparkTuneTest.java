package dev.regula.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.regula.pipeline.RegulaException;
import dev.regula.pipeline.run.PipelineRunner;
import dev.regula.pipeline.run.RunRequest;
import dev.regula.pipeline.run.TinyInputs;
import dev.regula.pipeline.spec.SpecReader;
import dev.regula.pipeline.stage.features.FeaturesStage;
import dev.regula.pipeline.stage.imports.ImportStage;
import dev.regula.pipeline.stage.tune.TuneStage;
import dev.regula.transfer.tune.TrialRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tune stage with its stacked trials as Spark tasks ({@code local[2,2]}: two task slots, a task may fail
 * once) writes the local engine's tune output byte for byte: same trials, same rung decisions, same winner,
 * same refit, even when a task dies after training and its retry must replay its stack from the seed.
 */
class SparkTuneTest {
    /**
     * The tiny pipeline's mlp searched by successive halving over 4 settings, 2 folds, 6 epochs (rungs of 4, 2, 1
     * trials): small, for CI, yet with rungs that continue or replay stacks.
     */
    private static final String HALVING = TinyInputs.spec()
            .replace("      dropout: {kind: standard, rate: 0.1}\n      weight_decay: 0.01\n"
                    + "    training: {learning_rate: 0.02, epochs: 8, batch_size: 16}\n",
                    "      dropout: {kind: standard, rate: [0.0, 0.3]}\n      weight_decay: [0.0, 0.05]\n"
                    + "    training: {learning_rate: 0.02, epochs: 6, batch_size: 16}\n")
            + "tune: {strategy: halving, eta: 2, folds: 2, threads: 2}\n";

    @Test
    void halvingOnSparkWritesTheLocalTuneOutputEvenWhenATaskIsRetried(@TempDir Path dir) throws Exception {
        assertThat(HALVING).contains("rate: [0.0, 0.3]", "epochs: 6");
        TinyInputs.write(dir, 11);
        Path spec = TinyInputs.writeSpec(dir, HALVING);
        Path local = tune(spec, dir.resolve("local"), null);
        // the Spark run starts from the local run's import and features (up to date there), without its tune
        copy(dir.resolve("local"), dir.resolve("spark"));
        dev.regula.models.Folders.deleteTree(dir.resolve("spark/tune"));
        SparkSession spark = SparkSession.builder().master("local[2,2]").appName("regula-spark-tune-test")
                .config("spark.ui.enabled", "false").getOrCreate();
        try {
            spark.sparkContext().setLocalProperty(SparkTrials.FAIL_FIRST_ATTEMPT, "true");
            int tasks = SparkTrials.TASKS.get();
            int injected = SparkTrials.INJECTED.get();
            Path onSpark = tune(spec, dir.resolve("spark"), new SparkTrials(spark));
            assertThat(SparkTrials.TASKS.get() - tasks).as("stack tasks run on Spark").isGreaterThan(2);
            assertThat(SparkTrials.INJECTED.get() - injected).as("injected failures").isPositive();
            TreeMap<String, byte[]> a = files(onSpark);
            TreeMap<String, byte[]> e = files(local);
            assertThat(a.keySet()).isEqualTo(e.keySet()).contains("tune.json", "mlp/trials.jsonl", "mlp/selection.json",
                    "mlp/head.json");
            for (String name : e.keySet()) {
                assertThat(a.get(name)).as(name).isEqualTo(e.get(name));
            }
            assertThat(Files.readAllLines(onSpark.resolve("mlp/trials.jsonl"))).hasSize(4);
        } finally {
            spark.stop();
        }
    }

    /** Runs import and features locally and tune on {@code trials} into {@code work}; returns the tune folder. */
    private static Path tune(Path spec, Path work, TrialRunner trials) throws RegulaException {
        PipelineRunner.run(new RunRequest(spec, work, null, false, null), SpecReader.read(spec),
                List.of(new ImportStage(), new FeaturesStage(), new TuneStage(trials)));
        return work.resolve("tune");
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
    }

    /** Every payload file under {@code dir} by relative path, the manifest (timings, write time) left out. */
    private static TreeMap<String, byte[]> files(Path dir) throws IOException {
        TreeMap<String, byte[]> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                String rel = dir.relativize(p).toString();
                if (!rel.equals("manifest.json")) {
                    m.put(rel, Files.readAllBytes(p));
                }
            }
        }
        return m;
    }
}
