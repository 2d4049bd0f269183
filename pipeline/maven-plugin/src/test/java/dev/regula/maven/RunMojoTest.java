package dev.regula.maven;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.project.MavenProject;
import org.apache.maven.project.MavenProjectHelper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunMojoTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void inputs() throws Exception {
        Tiny.inputs(dir);
    }

    private static RunMojo mojo(Path spec, Path work, RecordingLog log) {
        RunMojo m = new RunMojo();
        m.spec = spec == null ? null : spec.toFile();
        m.workDirectory = work.toFile();
        m.classifier = "model";
        m.setLog(log);
        return m;
    }

    /** Keeps what the Mojo attaches, as "type classifier file-name". */
    private static final class RecordingHelper implements MavenProjectHelper {
        final List<String> attached = new ArrayList<>();

        @Override
        public void attachArtifact(MavenProject project, String type, String classifier, File file) {
            attached.add(type + " " + classifier + " " + file.getName());
        }

        @Override
        public void attachArtifact(MavenProject project, File file, String classifier) {
            throw new AssertionError("type-less attach");
        }

        @Override
        public void attachArtifact(MavenProject project, String type, File file) {
            throw new AssertionError("classifier-less attach");
        }

        @Override
        public void addResource(MavenProject project, String dir, List<String> includes, List<String> excludes) {
            throw new AssertionError("no resources expected");
        }

        @Override
        public void addTestResource(MavenProject project, String dir, List<String> includes, List<String> excludes) {
            throw new AssertionError("no resources expected");
        }
    }

    @Test
    void runsThePipelineAttachesTheModelAndThenFindsItUpToDate() throws Exception {
        Path spec = Tiny.spec(dir, "ok.yaml", "min_accuracy: 0.5, max_parity_error: 0.001");
        Path work = dir.resolve("work-ok");
        RecordingLog log = new RecordingLog();
        RunMojo first = mojo(spec, work, log);
        first.attach = true;
        first.project = new MavenProject();
        RecordingHelper helper = new RecordingHelper();
        first.projectHelper = helper;
        first.execute();

        Path model = work.resolve("export/model.onnx");
        assertThat(model).isRegularFile();
        assertThat(work.resolve("summary.json")).isRegularFile();
        assertThat(log.text()).contains("train: running", "validate: done", "INFO model: " + model)
                .containsPattern("figures: .*accuracy=0\\.\\d+.*parity\\.max_abs_error=");
        assertThat(helper.attached).containsExactly("onnx model model.onnx", "json model-tokenizer tokenizer.json");

        byte[] bytes = Files.readAllBytes(model);
        RecordingLog again = new RecordingLog();
        mojo(spec, work, again).execute();
        assertThat(again.text()).contains("import: up to date", "train: up to date", "validate: up to date")
                .doesNotContain("running");
        assertThat(Files.readAllBytes(model)).isEqualTo(bytes);

        RecordingLog from = new RecordingLog();
        RunMojo rerun = mojo(spec, work, from);
        rerun.from = "export";
        rerun.execute();
        assertThat(from.text()).contains("train: up to date", "export: running", "validate: running");
        assertThat(Files.readAllBytes(model)).as("a rerun writes the same bytes").isEqualTo(bytes);
    }

    @Test
    void aFailedGateFailsTheBuildWithTheFigures() throws Exception {
        Path spec = Tiny.spec(dir, "strict.yaml", "min_accuracy: 1.0");
        Path work = dir.resolve("work-strict");
        assertThatThrownBy(() -> mojo(spec, work, new RecordingLog()).execute())
                .isInstanceOf(MojoFailureException.class)
                .hasMessageContaining("regula:run: validate.gates: validation gate failed: accuracy 0.")
                .hasMessageContaining("< min_accuracy 1.0")
                .hasMessageContaining("figures: accuracy=")
                .hasMessageContaining("summary: " + work.resolve("summary.json"));
        assertThat(work.resolve("export/model.onnx")).as("the stages finished before the gate").isRegularFile();
    }

    @Test
    void aMissingSpecNamesTheFile() {
        Path missing = dir.resolve("nope.yaml");
        assertThatThrownBy(() -> mojo(missing, dir.resolve("work-missing"), new RecordingLog()).execute())
                .isInstanceOf(MojoFailureException.class)
                .hasMessage("regula:run: the pipeline spec " + missing + " does not exist");
        assertThat(dir.resolve("work-missing")).doesNotExist();
    }

    @Test
    void aBadSpecFailsWithTheCoresMessageAndRunsNothing() throws Exception {
        Path spec = Files.writeString(dir.resolve("bad.yaml"),
                Tiny.SPEC.formatted("min_accuracy: 0.5").replace("learning_rate: 0.05", "learning_rate: -1"));
        Path work = dir.resolve("work-bad");
        assertThatThrownBy(() -> mojo(spec, work, new RecordingLog()).execute())
                .isInstanceOf(MojoFailureException.class)
                .hasMessageStartingWith("regula:run: " + spec)
                .hasMessageContaining("learning_rate");
        assertThat(work.resolve("import")).doesNotExist();
    }

    @Test
    void anUnknownFromStageListsTheStages() throws Exception {
        Path spec = Tiny.spec(dir, "from.yaml", "min_accuracy: 0.5");
        RunMojo m = mojo(spec, dir.resolve("work-from"), new RecordingLog());
        m.from = "training";
        assertThatThrownBy(m::execute).isInstanceOf(MojoFailureException.class)
                .hasMessageContaining("<from>: unknown stage 'training'").hasMessageContaining("import, features, tune, train");
    }

    @Test
    void skipDoesNothing() throws Exception {
        RecordingLog log = new RecordingLog();
        RunMojo m = mojo(dir.resolve("nope.yaml"), dir.resolve("work-skip"), log);
        m.skip = true;
        m.execute();
        assertThat(log.lines).containsExactly("INFO regula:run skipped (regula.skip)");
        assertThat(dir.resolve("work-skip")).doesNotExist();
    }
}
