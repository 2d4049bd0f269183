package dev.regula.pipeline.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class RunRequestTest {
    private static final Path DIR = Path.of("/data/examples/spam");

    @Test
    void specsInOneFolderGetTheirOwnDefaultWorkFolders() {
        assertThat(RunRequest.defaultWorkDir(DIR.resolve("pipeline.yaml"))).isEqualTo(DIR.resolve("work"));
        assertThat(RunRequest.defaultWorkDir(DIR.resolve("pipeline.yml"))).isEqualTo(DIR.resolve("work"));
        assertThat(RunRequest.defaultWorkDir(DIR.resolve("int8.yaml"))).isEqualTo(DIR.resolve("work-int8"));
        assertThat(RunRequest.defaultWorkDir(DIR.resolve("snapshots.YML"))).isEqualTo(DIR.resolve("work-snapshots"));
        assertThat(RunRequest.defaultWorkDir(DIR.resolve("spec"))).isEqualTo(DIR.resolve("work-spec"));
    }

    @Test
    void anExplicitWorkFolderWins() {
        assertThat(new RunRequest(DIR.resolve("int8.yaml"), Path.of("/tmp/w/../w2"), null, false, null).workDir())
                .isEqualTo(Path.of("/tmp/w2"));
        assertThat(new RunRequest(DIR.resolve("int8.yaml"), null, null, false, null).workDir()).isEqualTo(DIR.resolve("work-int8"));
    }
}
