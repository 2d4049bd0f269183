package dev.regula.models;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Temporary files and folders get the umask's mode, not the owner-only mode of Files.createTemp*. */
class TempPathsTest {
    @TempDir
    Path dir;

    @Test
    void filesAndFoldersGetTheUmasksModeAndFreshNames() throws Exception {
        Assumptions.assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
        Path plain = Files.createFile(dir.resolve("plain"));
        Path plainDir = Files.createDirectory(dir.resolve("plain-dir"));
        Path a = TempPaths.file(dir, ".model.onnx", ".tmp");
        Path b = TempPaths.file(dir, ".model.onnx", ".tmp");
        Path f = TempPaths.folder(dir, ".out.staging-");
        assertThat(a).isNotEqualTo(b).isEmptyFile();
        assertThat(a.getFileName().toString()).startsWith(".model.onnx").endsWith(".tmp");
        assertThat(f).isEmptyDirectory();
        assertThat(Files.getPosixFilePermissions(a)).isEqualTo(Files.getPosixFilePermissions(plain));
        assertThat(Files.getPosixFilePermissions(f)).isEqualTo(Files.getPosixFilePermissions(plainDir));
    }
}
