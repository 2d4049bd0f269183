package dev.regula.pipeline.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code spark:} section: read and checked by core (which runs nothing on Spark), used by the Spark adapter. */
class SparkSectionTest {
    @TempDir
    Path dir;

    private static final String BASE = """
            backbone: {model: backbone.onnx}
            data: {path: data.jsonl}
            heads: {kind: linear}
            """;

    @BeforeEach
    void files() throws Exception {
        Files.writeString(dir.resolve("backbone.onnx"), "not read by the spec reader");
        Files.writeString(dir.resolve("data.jsonl"), "{}\n");
    }

    private PipelineSpec read(String yaml) throws Exception {
        Path f = dir.resolve("pipeline.yaml");
        Files.writeString(f, BASE + yaml);
        return SpecReader.read(f);
    }

    private String error(String yaml) {
        return ((SpecException) catchThrowable(() -> read(yaml))).getMessage();
    }

    @Test
    void theSectionIsReadInOrderAndAbsentMeansEmpty() throws Exception {
        assertThat(read("").spark()).isEmpty();
        Sections.Spark s = read("""
                spark:
                  master: local[2]
                  app_name: spam
                  conf: {spark.sql.shuffle.partitions: 4, spark.ui.enabled: false, spark.executor.memory: 2g}
                """).spark().orElseThrow();
        assertThat(s.master()).isEqualTo("local[2]");
        assertThat(s.appName()).isEqualTo("spam");
        assertThat(s.conf()).containsExactly(Map.entry("spark.sql.shuffle.partitions", "4"), Map.entry("spark.ui.enabled", "false"),
                Map.entry("spark.executor.memory", "2g"));
        assertThat(read("spark: {}\n").spark().orElseThrow().master()).isNull();
    }

    @Test
    void badKeysAndValuesAreNamed() {
        assertThat(error("spark:\n  mastr: local[2]\n")).endsWith("spark.mastr: unknown key, did you mean 'master'?");
        assertThat(error("spark: {master: ''}\n")).contains("spark.master: must not be empty");
        assertThat(error("spark: {conf: [a]}\n")).contains("spark.conf: expected a mapping");
        assertThat(error("spark: {conf: {executor.memory: 2g}}\n"))
                .contains("spark.conf.executor.memory: Spark properties start with 'spark.' (did you mean 'spark.executor.memory'?)");
        assertThat(error("spark: {conf: {spark.master: yarn}}\n")).contains("spark.conf.spark.master: set by the section's own key");
        assertThat(error("spark: {conf: {spark.jars: [a, b]}}\n")).contains("spark.conf.spark.jars: expected a string, number or boolean");
    }
}
