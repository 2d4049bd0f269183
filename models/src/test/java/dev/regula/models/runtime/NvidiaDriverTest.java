package dev.regula.models.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NvidiaDriverTest {
    @TempDir
    Path dir;

    @Test
    void linuxWithoutAnyMarkerHasNoDriverAndSaysWhatWasLookedFor() {
        List<Path> markers = List.of(dir.resolve("proc-version"), dir.resolve("nvidiactl"));
        assertThat(NvidiaDriver.absentReason("Linux", markers))
                .isEqualTo("no NVIDIA driver on this machine: none of " + markers.get(0) + ", " + markers.get(1) + " exists");
    }

    @Test
    void anyOneMarkerMeansOnnxRuntimeIsAsked() throws Exception {
        List<Path> markers = List.of(dir.resolve("proc-version"), dir.resolve("nvidiactl"));
        Files.createFile(markers.get(1));
        assertThat(NvidiaDriver.absentReason("Linux", markers)).isNull();
    }

    @Test
    void otherSystemsAreLeftToOnnxRuntime() {
        assertThat(NvidiaDriver.absentReason("Windows 11", List.of(dir.resolve("absent")))).isNull();
        assertThat(NvidiaDriver.absentReason("Mac OS X", List.of(dir.resolve("absent")))).isNull();
    }
}
