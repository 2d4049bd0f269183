package dev.regula.maven;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.maven.plugin.MojoFailureException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidateMojoTest {
    @TempDir
    static Path dir;

    static Path model;
    static Path data;

    /** Trains and exports the tiny model once, through regula:run. */
    @BeforeAll
    static void export() throws Exception {
        Tiny.inputs(dir);
        RunMojo run = new RunMojo();
        run.spec = Tiny.spec(dir, "pipeline.yaml", "min_accuracy: 0.5").toFile();
        run.workDirectory = dir.resolve("work").toFile();
        run.setLog(new RecordingLog());
        run.execute();
        model = dir.resolve("work/export/model.onnx");
        data = dir.resolve("data.jsonl");
    }

    private static ValidateMojo mojo(Path model, Path data, RecordingLog log) {
        ValidateMojo m = new ValidateMojo();
        m.model = model == null ? null : model.toFile();
        m.data = data == null ? null : data.toFile();
        m.textField = "text";
        m.labelField = "label";
        m.device = "cpu";
        m.setLog(log);
        return m;
    }

    @Test
    void passesWithReachableThresholdsAndLogsTheFigures() throws Exception {
        RecordingLog log = new RecordingLog();
        ValidateMojo m = mojo(model, data, log);
        m.minAccuracy = 0.6;
        m.minMacroF1 = 0.6;
        m.maxEce = 0.5;
        m.maxNll = 1.0;
        m.execute();
        assertThat(log.text()).contains("240 rows of " + data)
                .containsPattern("accuracy 0\\.\\d{4}, macro-F1 0\\.\\d{4}, NLL \\d\\.\\d{4}, Brier \\d\\.\\d{4}, ECE 0\\.\\d{4}")
                .contains("latency p50");
    }

    @Test
    void theModelsFolderWorksAsWell() throws Exception {
        ValidateMojo m = mojo(model.getParent(), data, new RecordingLog());
        m.minAccuracy = 0.6;
        m.execute();
    }

    @Test
    void aGateOutOfReachFailsTheBuildNamingModelFigureAndThreshold() {
        ValidateMojo m = mojo(model, data, new RecordingLog());
        m.minAccuracy = 1.0;
        m.maxEce = 0.0;
        assertThatThrownBy(m::execute).isInstanceOf(MojoFailureException.class)
                .hasMessageStartingWith("regula:validate: quality gates failed for " + model + " on " + data + " (240 rows): ")
                .hasMessageMatching("(?s).*accuracy 0\\.\\d{4} < minAccuracy 1\\.0; ECE 0\\.\\d{4} > maxEce 0\\.0\n  figures: accuracy .*");
    }

    @Test
    void aMissingModelOrDataNamesIt() {
        Path missing = dir.resolve("no/model.onnx");
        assertThatThrownBy(() -> mojo(missing, data, new RecordingLog()).execute())
                .isInstanceOf(MojoFailureException.class)
                .hasMessage("regula:validate: <model> " + missing + " does not exist");
        assertThatThrownBy(() -> mojo(model, dir.resolve("none.jsonl"), new RecordingLog()).execute())
                .isInstanceOf(MojoFailureException.class)
                .hasMessage("regula:validate: <data> " + dir.resolve("none.jsonl") + " does not exist");
        assertThatThrownBy(() -> mojo(null, data, new RecordingLog()).execute())
                .isInstanceOf(MojoFailureException.class).hasMessageContaining("set <model>");
    }

    @Test
    void aLabelTheModelDoesNotKnowFailsWithTheCoresMessage() throws Exception {
        Path other = Files.writeString(dir.resolve("other.jsonl"), """
                {"text": "w1 w2", "label": "spam"}
                {"text": "w6 w7", "label": "eggs"}
                """);
        assertThatThrownBy(() -> mojo(model, other, new RecordingLog()).execute())
                .isInstanceOf(MojoFailureException.class)
                .hasMessageContaining("label 'eggs' is not one of the model's classes");
    }

    @Test
    void anUnknownDeviceOrDataFormatIsABuildFailure() throws Exception {
        ValidateMojo m = mojo(model, data, new RecordingLog());
        m.device = "tpu";
        assertThatThrownBy(m::execute).isInstanceOf(MojoFailureException.class).hasMessageContaining("tpu");
        Path txt = Files.writeString(dir.resolve("data.txt"), "w1\n");
        assertThatThrownBy(() -> mojo(model, txt, new RecordingLog()).execute())
                .isInstanceOf(MojoFailureException.class).hasMessageContaining("cannot tell the format of");
    }

    @Test
    void skipDoesNothing() throws Exception {
        RecordingLog log = new RecordingLog();
        ValidateMojo m = mojo(null, null, log);
        m.skip = true;
        m.execute();
        assertThat(log.lines).containsExactly("INFO regula:validate skipped (regula.skip)");
    }
}
