package dev.regula.maven;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.apache.maven.plugin.MojoFailureException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InspectMojoTest {
    @TempDir
    Path dir;

    @Test
    void logsTheModelsInputsAndOutputs() throws Exception {
        Tiny.inputs(dir);
        RecordingLog log = new RecordingLog();
        InspectMojo m = new InspectMojo();
        m.model = "backbone.onnx";
        m.basedir = dir.toFile();
        m.setLog(log);
        m.execute();
        assertThat(log.text()).contains("input_ids", "attention_mask", "hidden");
    }

    @Test
    void aMissingModelIsABuildFailureNamingIt() {
        InspectMojo m = new InspectMojo();
        m.model = dir.resolve("missing.onnx").toString();
        m.setLog(new RecordingLog());
        assertThatThrownBy(m::execute).isInstanceOf(MojoFailureException.class).hasMessageContaining("missing.onnx");
    }
}
