package dev.regula.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir
    Path dir;

    @Test
    void failureMidWriteKeepsTheOldFileAndLeavesNoTemporary() throws Exception {
        Path target = dir.resolve("m.onnx");
        Files.writeString(target, "previous");
        assertThatThrownBy(() -> AtomicFiles.write(target, out -> {
            out.write(new byte[200_000]); // past the buffer, so bytes really reach the temporary file
            throw new IOException("disk full (simulated)");
        })).isInstanceOf(IOException.class).hasMessage("disk full (simulated)");
        assertThat(Files.readString(target)).isEqualTo("previous");
        try (Stream<Path> s = Files.list(dir)) {
            assertThat(s).containsExactly(target);
        }
    }

    @Test
    void runtimeFailureAlsoCleansUp() {
        Path target = dir.resolve("fresh.onnx");
        assertThatThrownBy(() -> AtomicFiles.write(target, out -> {
            out.write(1);
            throw new IllegalStateException("serializer bug (simulated)");
        })).isInstanceOf(IllegalStateException.class);
        assertThat(dir.toFile().list()).isEmpty();
    }

    @Test
    void successReplacesAtomicallyWithTheWholeContent() throws Exception {
        Path target = dir.resolve("m.bin");
        byte[] content = new byte[300_000];
        new java.util.Random(7).nextBytes(content);
        AtomicFiles.write(target, out -> out.write(content));
        assertThat(Files.readAllBytes(target)).isEqualTo(content);
        assertThat(dir.toFile().list()).containsExactly("m.bin");
    }
}
