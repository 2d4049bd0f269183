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
 * measured-timings element masked (latency differs between runs). Each kill must really happen
 * (the child dies by SIGKILL, not by finishing), and the resumed run must find every stage that
 * was committed before the kill point up to date.
 */
class KillTest {
    /** The exit status of a process killed by SIGKILL (128 + 9). */
    private static final int KILLED = 137;

    @TempDir
    Path dir;

    /**
     * Where to kill: when the child prints a line starting with {@code line}; stages before
     * {@code committed} (and {@code committed} itself when {@code inclusive}) are committed by then.
     */
    private record KillPoint(String line, StageName committed, boolean inclusive) {
    }

    @Test
    void killedRunsResumeToIdenticalArtifacts() throws Exception {
        TinyPipeline.writeInputs(dir, 11);
        Path spec = TinyPipeline.writeSpec(dir, TinyPipeline.spec() + "report: {title: kill test}\n");
        Path reference = dir.resolve("reference");
        Pipeline.run(new RunRequest(spec, reference, null, false, null));
        Path work = dir.resolve("work");
        List<KillPoint> points = List.of(
                new KillPoint("features: running", StageName.FEATURES, false),
                new KillPoint("train: running", StageName.TRAIN, false),
                // the runner prints "export: done in 0.3 s" once export is committed
                new KillPoint("export: done", StageName.EXPORT, true),
                new KillPoint("validate: running", StageName.VALIDATE, false),
                new KillPoint("report: running", StageName.REPORT, false));
        for (KillPoint k : points) {
            killWhenSeen(spec, work, k.line());
            RunResult resumed = Pipeline.run(new RunRequest(spec, work, null, false, null));
            assertThat(PipelineRunnerTest.payload(work)).as("after a kill at '" + k.line() + "'")
                    .isEqualTo(PipelineRunnerTest.payload(reference))
                    .containsKeys("export/model.onnx", "report/index.html (timings masked)");
            resumed.outcomes().forEach((stage, outcome) -> {
                boolean committedBefore = stage.ordinal() < k.committed().ordinal()
                        || k.inclusive() && stage == k.committed();
                if (committedBefore) {
                    assertThat(outcome).as("%s after a kill at '%s'", stage, k.line()).isEqualTo(RunResult.Outcome.UP_TO_DATE);
                }
            });
            // start the next round from scratch for the later kill point
            Folders.deleteTree(work);
        }
    }

    /** Runs the pipeline in a child JVM and kills it (SIGKILL) when it prints a line starting with {@code prefix}. */
    private static void killWhenSeen(Path spec, Path work, String prefix) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), RunMain.class.getName(),
                spec.toString(), work.toString()).redirectErrorStream(true).start();
        boolean seen = false;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String l;
            while ((l = r.readLine()) != null) {
                if (l.startsWith(prefix)) {
                    seen = true;
                    p.destroyForcibly();
                    break;
                }
            }
        } finally {
            p.destroyForcibly();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(seen).as("the child printed a line starting with '%s'", prefix).isTrue();
        assertThat(p.exitValue()).as("the child was killed at '%s', not finished", prefix).isEqualTo(KILLED);
    }
}
