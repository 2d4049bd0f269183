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

    @Test
    void aBodyThatClosesItsStreamStillCommits() throws Exception {
        Path target = dir.resolve("sub/report.json");
        AtomicFiles.write(target, out -> {
            try (out) { // as Jackson's writeValue and try-with-resources do
                out.write("{}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
        });
        assertThat(Files.readString(target)).isEqualTo("{}");
    }

    @Test
    void copyAndTextWritesGetTheSameModeAsAPlainNewFile() throws Exception {
        Path plain = Files.writeString(dir.resolve("plain.txt"), "x");
        Path copied = dir.resolve("copied.txt");
        Path text = dir.resolve("text.txt");
        AtomicFiles.copy(plain, copied);
        AtomicFiles.writeString(text, "y");
        assertThat(Files.readString(copied)).isEqualTo("x");
        assertThat(Files.readString(text)).isEqualTo("y");
        org.junit.jupiter.api.Assumptions.assumeTrue(
                dir.getFileSystem().supportedFileAttributeViews().contains("posix"));
        // Not owner-only as a temp file would be: the user's umask decides, as for any file they create.
        assertThat(Files.getPosixFilePermissions(copied)).isEqualTo(Files.getPosixFilePermissions(plain));
        assertThat(Files.getPosixFilePermissions(text)).isEqualTo(Files.getPosixFilePermissions(plain));
    }
}
