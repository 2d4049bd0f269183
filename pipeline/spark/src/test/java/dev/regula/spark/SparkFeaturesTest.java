package dev.regula.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.regula.pipeline.RegulaException;
import dev.regula.pipeline.run.Json;
import dev.regula.pipeline.run.PipelineRunner;
import dev.regula.pipeline.run.RunRequest;
import dev.regula.pipeline.run.SpamSlice;
import dev.regula.pipeline.run.TinyInputs;
import dev.regula.pipeline.spec.SpecReader;
import dev.regula.pipeline.stage.features.FeaturesStage;
import dev.regula.pipeline.stage.imports.ImportStage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The features stage on Spark ({@code local[2,2]}: two task slots, a task may fail once) writes the
 * store the local engine writes, byte for byte, and a task that fails and is retried changes nothing.
 * One SparkSession for the class: its start is the slow part.
 */
class SparkFeaturesTest {
    private static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = SparkSession.builder().master("local[2,2]").appName("regula-spark-test")
                .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2").getOrCreate();
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
    }

    /**
     * The tiny backbone quantized dynamically: one scale per batch, so a row's features depend on its
     * batch mates, and only batches formed exactly as the local extractor forms them give the same bytes.
     */
    private static final String QUANTIZED = TinyInputs.spec().replace("model: backbone.onnx", "model: backbone-q.onnx");

    @Test
    void batchCoupledBackboneGivesTheLocalStoreByteForByte(@TempDir Path dir) throws Exception {
        TinyInputs.write(dir, 11);
        Path spec = TinyInputs.writeSpec(dir, QUANTIZED);
        Path local = features(spec, dir.resolve("local"), FeaturesStage.LOCAL);
        Path onSpark = features(spec, dir.resolve("spark"), new SparkFeatures(spark));
        assertSameStore(onSpark, local);
    }

    @Test
    void batchMatesMatterForTheQuantizedBackbone(@TempDir Path dir) throws Exception {
        // Guards the test above: with other batches (size 8, not 16) the quantized store differs.
        TinyInputs.write(dir, 11);
        Path a = features(TinyInputs.writeSpec(dir, QUANTIZED), dir.resolve("a"), FeaturesStage.LOCAL);
        Path b = features(TinyInputs.writeSpec(dir, QUANTIZED.replace("batch_size: 16, threads: 1", "batch_size: 8, threads: 1")),
                dir.resolve("b"), FeaturesStage.LOCAL);
        assertThat(Files.readAllBytes(a.resolve("train.f32")))
                .isNotEqualTo(Files.readAllBytes(b.resolve("train.f32")));
    }

    @Test
    void aTaskThatFailsOnceIsRetriedAndTheStoreIsUnchanged(@TempDir Path dir) throws Exception {
        TinyInputs.write(dir, 12);
        Path spec = TinyInputs.writeSpec(dir, QUANTIZED);
        Path local = features(spec, dir.resolve("local"), FeaturesStage.LOCAL);
        int before = SparkFeatures.INJECTED.get();
        spark.sparkContext().setLocalProperty(SparkFeatures.FAIL_FIRST_ATTEMPT, "true");
        Path onSpark;
        try {
            onSpark = features(spec, dir.resolve("spark"), new SparkFeatures(spark));
        } finally {
            spark.sparkContext().setLocalProperty(SparkFeatures.FAIL_FIRST_ATTEMPT, null);
        }
        assertThat(SparkFeatures.INJECTED.get()).isEqualTo(before + 1);
        assertSameStore(onSpark, local);
    }

    @Test
    void csvInputGivesTheLocalStore(@TempDir Path dir) throws Exception {
        TinyInputs.write(dir, 13);
        StringBuilder csv = new StringBuilder("label,text\n");
        for (String line : Files.readAllLines(dir.resolve("data.jsonl"))) {
            var node = Json.MAPPER.readTree(line);
            csv.append(node.get("label").asText()).append(",\"").append(node.get("text").asText()).append("\"\n");
        }
        Files.writeString(dir.resolve("data.csv"), csv);
        Path spec = TinyInputs.writeSpec(dir, QUANTIZED.replace("path: data.jsonl", "path: data.csv"));
        assertSameStore(features(spec, dir.resolve("spark"), new SparkFeatures(spark)),
                features(spec, dir.resolve("local"), FeaturesStage.LOCAL));
    }

    @Test
    void aMissingTextFieldIsNamed(@TempDir Path dir) throws Exception {
        TinyInputs.write(dir, 14);
        Path spec = TinyInputs.writeSpec(dir, QUANTIZED.replace("path: data.jsonl", "path: data.jsonl\n  text_field: body"));
        assertThatThrownBy(() -> features(spec, dir.resolve("spark"), new SparkFeatures(spark)))
                .isInstanceOf(RegulaException.class).hasMessageContaining("data.text_field").hasMessageContaining("body");
    }

    @Test
    void miniLmOnThreeHundredSpamRowsGivesTheLocalStore(@TempDir Path dir) throws Exception {
        SpamSlice.write(dir);
        Path spec = dir.resolve("pipeline.yaml");
        Files.writeString(spec, SpamSlice.specHead() + """
                features: {threads: 1}
                heads:
                  - name: linear
                    kind: linear
                """);
        Path local = features(spec, dir.resolve("local"), FeaturesStage.LOCAL);
        Path onSpark = features(spec, dir.resolve("spark"), new SparkFeatures(spark));
        assertSameStore(onSpark, local);
    }

    /** Runs import (locally) and features (on {@code engine}) into {@code work}; returns the store folder. */
    static Path features(Path spec, Path work, FeaturesStage.Engine engine) throws RegulaException {
        PipelineRunner.run(new RunRequest(spec, work, null, false, null), SpecReader.read(spec),
                List.of(new ImportStage(), new FeaturesStage(engine)));
        return work.resolve("features").resolve("store");
    }

    /** Every payload file the same bytes; the manifests the same but for their write time. */
    static void assertSameStore(Path actual, Path expected) throws IOException {
        TreeMap<String, byte[]> a = files(actual);
        TreeMap<String, byte[]> e = files(expected);
        assertThat(a.keySet()).isEqualTo(e.keySet()).contains("manifest.json");
        for (String name : e.keySet()) {
            if (name.equals("manifest.json")) {
                ObjectNode ma = (ObjectNode) Json.MAPPER.readTree(a.get(name));
                ObjectNode me = (ObjectNode) Json.MAPPER.readTree(e.get(name));
                ma.remove("writtenAt");
                me.remove("writtenAt");
                assertThat(ma).as(name).isEqualTo(me);
            } else {
                assertThat(a.get(name)).as(name).isEqualTo(e.get(name));
            }
        }
    }

    private static TreeMap<String, byte[]> files(Path dir) throws IOException {
        TreeMap<String, byte[]> m = new TreeMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                m.put(p.getFileName().toString(), Files.readAllBytes(p));
            }
        }
        return m;
    }
}
