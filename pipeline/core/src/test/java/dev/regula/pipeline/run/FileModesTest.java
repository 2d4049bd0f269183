package dev.regula.pipeline.run;

import dev.regula.pipeline.OptionName;
import static org.assertj.core.api.Assertions.assertThat;

import dev.regula.pipeline.stage.Pipeline;
import java.io.OutputStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.jar.JarOutputStream;
import java.util.zip.ZipEntry;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every file and folder Regula writes gets the user's umask, like any file they create: none is
 * owner-only because it passed through a temporary file. The tokenizer is read out of a jar, so the
 * backbone cache and the tokenizer copies in import/ and export/ are covered (they came out 0600).
 * POSIX file systems only.
 */
class FileModesTest {
    @TempDir
    Path dir;

    private Set<PosixFilePermission> fileMode;
    private Set<PosixFilePermission> folderMode;

    @BeforeEach
    void umask() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
        // what the user's umask gives a new file and folder
        fileMode = Files.getPosixFilePermissions(Files.createFile(dir.resolve("probe-file")));
        folderMode = Files.getPosixFilePermissions(Files.createDirectory(dir.resolve("probe-folder")));
        // a umask of 077 would make owner-only modes expected, and the test unable to fail
        assertThat(fileMode).as("umask gives group or others read").containsAnyOf(PosixFilePermission.GROUP_READ,
                PosixFilePermission.OTHERS_READ);
    }

    @Test
    void everyFileOfAPipelineRunHasTheUmasksMode() throws Exception {
        TinyPipeline.writeInputs(dir, 11);
        Path jar = dir.resolve("tok.jar");
        try (OutputStream o = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(o)) {
            j.putNextEntry(new ZipEntry("tokenizer.json"));
            j.write(Files.readAllBytes(dir.resolve("tokenizer.json")));
            j.closeEntry();
        }
        Path spec = TinyPipeline.writeSpec(dir, TinyPipeline.spec().replace("tokenizer: tokenizer.json",
                "tokenizer: " + jar + "!/tokenizer.json") + "report: {title: modes}\n");
        Path work = dir.resolve("work");
        Pipeline.run(new RunRequest(spec, work, null, false, null));
        assertThat(work.resolve("export/tokenizer.json")).exists();
        assertThat(work.resolve(".cache")).isDirectory();
        assertThat(wrongModes(work)).isEmpty();
    }

    @Test
    void aStandaloneOutputFolderAndItsFilesHaveTheUmasksMode() throws Exception {
        Path out = dir.resolve("out");
        OutputFolder.write(out, OptionName.OUT, "model.onnx", staging -> {
            Files.writeString(staging.resolve("model.onnx"), "bytes");
            Files.createDirectories(staging.resolve("sub"));
            dev.regula.pipeline.run.Json.write(staging.resolve("sub/info.json"), Map.of("a", 1));
            return null;
        });
        assertThat(Files.getPosixFilePermissions(out)).as("the output folder itself").isEqualTo(folderMode);
        assertThat(wrongModes(out)).isEmpty();
    }

    /** Every path under {@code root} whose mode differs from the umask's, with its mode. */
    private Map<String, String> wrongModes(Path root) throws Exception {
        Map<String, String> wrong = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (Files.isSymbolicLink(p)) {
                    continue;
                }
                Set<PosixFilePermission> mode = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
                Set<PosixFilePermission> expected = Files.isDirectory(p) ? folderMode : fileMode;
                if (!mode.equals(expected)) {
                    wrong.put(root.relativize(p).toString(), PosixFilePermissions.toString(mode));
                }
            }
        }
        return wrong;
    }
}
