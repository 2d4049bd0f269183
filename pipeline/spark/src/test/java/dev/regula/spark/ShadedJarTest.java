package dev.regula.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import dev.regula.pipeline.run.TinyInputs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The spark-submit jar ({@code -Pspark-submit}, written at package, checked by a second surefire run after it):
 * it holds Regula and its dependencies but no Spark, names {@link RegulaSpark} as its main class, and that main
 * runs on the jar plus Spark's jars alone (as on a cluster, where Spark brings its own). Skipped in the
 * ordinary build, which writes no such jar.
 */
class ShadedJarTest {
    @Test
    void theJarHoldsRegulaButNoSparkAndItsMainRunsThePipeline(@TempDir Path dir) throws Exception {
        String name = System.getProperty("regula.shaded.jar");
        assumeTrue(name != null && Files.isRegularFile(Path.of(name)), "no spark-submit jar: build with -Pspark-submit");
        Path jar = Path.of(name);
        try (JarFile j = new JarFile(jar.toFile())) {
            assertThat(j.getManifest().getMainAttributes().getValue("Main-Class")).isEqualTo(RegulaSpark.class.getName());
            assertThat(j.getEntry("dev/regula/spark/RegulaSpark.class")).isNotNull();
            assertThat(j.getEntry("dev/regula/pipeline/stage/Pipeline.class")).isNotNull();
            assertThat(j.getEntry("ai/onnxruntime/OrtEnvironment.class")).isNotNull();
            assertThat(j.getEntry("org/apache/spark/sql/SparkSession.class")).as("Spark is the cluster's").isNull();
        }
        assertThat(run(jar, "help")).contains("expected the command 'run' first", RegulaSpark.USAGE);
        // the tiny pipeline, from the jar alone: services, natives and resources survived the shading
        TinyInputs.write(dir, 21);
        Path spec = TinyInputs.writeSpec(dir, TinyInputs.spec() + "spark: {master: 'local[1]'}\n");
        String out = run(jar, "run", spec.toString(), "--work", dir.resolve("work").toString());
        assertThat(out).contains("features (spark local[1])");
        String model = out.lines().filter(l -> l.startsWith("model: ")).findFirst().orElseThrow().substring("model: ".length());
        assertThat(Path.of(model)).isRegularFile();
    }

    /** Runs the jar's main on the jar plus Spark's jars (target/spark-lib, what a cluster provides); its output. */
    private static String run(Path jar, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        try (var in = RegulaSpark.class.getResourceAsStream("java-options.txt")) {
            cmd.addAll(List.of(new String(in.readAllBytes(), StandardCharsets.UTF_8).trim().split("\\s+")));
        }
        cmd.addAll(List.of("-Dai.djl.offline=true", "-Dspark.ui.enabled=false", "-cp",
                jar + File.pathSeparator + jar.resolveSibling("spark-lib").resolve("*"), RegulaSpark.class.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isEqualTo(args[0].equals("run") ? 0 : 2);
        return out;
    }
}
