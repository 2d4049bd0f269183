package dev.regula.pipeline.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.regula.models.Folders;
import dev.regula.pipeline.stage.Pipeline;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A child JVM running the pipeline is killed (SIGKILL) at several points; the resumed run ends
 * byte-identical: every payload file exactly (model.onnx included), the report page with its one
 * measured-timings element masked (latency differs between runs).
 */
class KillTest {
    @TempDir
    Path dir;

    @Test
    void killedRunsResumeToIdenticalArtifacts() throws Exception {
        TinyPipeline.writeInputs(dir, 11);
        Path spec = TinyPipeline.writeSpec(dir, TinyPipeline.spec() + "report: {title: kill test}\n");
        Path reference = dir.resolve("reference");
        Pipeline.run(new RunRequest(spec, reference, null, false, null));
        Path work = dir.resolve("work");
        for (String killAfter : List.of("features: running", "train: running", "export: done", "validate: running", "report: running")) {
            killWhenSeen(spec, work, killAfter);
            RunResult resumed = Pipeline.run(new RunRequest(spec, work, null, false, null));
            assertThat(PipelineRunnerTest.payload(work)).as("after a kill at '" + killAfter + "'")
                    .isEqualTo(PipelineRunnerTest.payload(reference))
                    .containsKeys("export/model.onnx", "report/index.html (timings masked)");
            assertThat(resumed.outcomes()).isNotEmpty();
            // start the next round from scratch for the later kill point
            Folders.deleteTree(work);
        }
    }

    private static void killWhenSeen(Path spec, Path work, String line) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), RunMain.class.getName(),
                spec.toString(), work.toString()).redirectErrorStream(true).start();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String l;
            while ((l = r.readLine()) != null) {
                if (l.equals(line)) {
                    p.destroyForcibly();
                    break;
                }
            }
        } finally {
            p.destroyForcibly();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
    }
}
