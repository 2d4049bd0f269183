package dev.regula.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.regula.pipeline.run.TinyInputs;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The standalone commands write their {@code --out} folder beside itself and move it into place,
 * replace only their own earlier output (its {@code .regula-output} marker), refuse a folder of the
 * user's with exit 1 and leave it untouched, give their files the user's umask, and clean up on SIGTERM.
 */
class OutputSafetyCommandsTest {
    @TempDir
    static Path dir;
    static Path features;
    static Path heads;

    private static String p(String name) {
        return dir.resolve(name).toString();
    }

    @BeforeAll
    static void featuresAndAHead() throws Exception {
        TinyInputs.write(dir, 21);
        CliRun f = CliRun.run("features", "--backbone", p("backbone.onnx"), "--tokenizer", p("tokenizer.json"), "--max-length",
                "16", "--data", p("data.jsonl"), "--split", "0.6,0.2,0.2", "--threads", "1", "--out", p("features"));
        assertThat(f.code()).as(f.err()).isZero();
        features = dir.resolve("features");
        CliRun t = CliRun.run("train", "--features", features.toString(), "--kind", "linear", "--epochs", "1", "--out", p("heads"));
        assertThat(t.code()).as(t.err()).isZero();
        heads = dir.resolve("heads");
    }

    private static Path userFolder(String name, String file, String content) throws Exception {
        Path d = Files.createDirectories(dir.resolve(name));
        Files.writeString(d.resolve(file), content);
        return d;
    }

    @Test
    void exportRefusesAFolderThatMerelyHoldsAModelOnnx() throws Exception {
        Path mine = userFolder("mine-export", "model.onnx", "my model");
        Files.writeString(mine.resolve("notes.txt"), "mine");
        CliRun r = CliRun.run("export", "--features", features.toString(), "--head", heads.toString(), "--out", mine.toString());
        assertThat(r.code()).isEqualTo(ExitCodes.FAILURE);
        assertThat(r.err()).contains("--out: " + mine + " is not empty and was not written by this command",
                ".regula-output marker naming model.onnx");
        assertThat(mine.resolve("model.onnx")).hasContent("my model");
        assertThat(mine.resolve("notes.txt")).hasContent("mine");
        assertThat(hidden()).isEmpty();
    }

    @Test
    void importRefusesAFolderThatMerelyHoldsAFeatureModel() throws Exception {
        Path mine = userFolder("mine-import", "feature-model.onnx", "mine");
        CliRun r = CliRun.run("import", "--backbone", p("backbone.onnx"), "--tokenizer", p("tokenizer.json"), "--out",
                mine.toString());
        assertThat(r.code()).isEqualTo(ExitCodes.FAILURE);
        assertThat(r.err()).contains(mine + " is not empty and was not written by this command");
        assertThat(mine.resolve("feature-model.onnx")).hasContent("mine");
    }

    @Test
    void aCommandRefusesAnotherCommandsOutputAndReplacesItsOwn() throws Exception {
        Path out = dir.resolve("exported");
        CliRun first = CliRun.run("export", "--features", features.toString(), "--head", heads.toString(), "--out", out.toString());
        assertThat(first.code()).as(first.err()).isZero();
        CliRun imp = CliRun.run("import", "--backbone", p("backbone.onnx"), "--out", out.toString());
        assertThat(imp.code()).isEqualTo(ExitCodes.FAILURE);
        assertThat(imp.err()).contains("holds another kind of Regula output (model.onnx), not feature-model.onnx");
        CliRun again = CliRun.run("export", "--features", features.toString(), "--head", heads.toString(), "--out", out.toString());
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(out.resolve("model.onnx")).exists();
        assertThat(hidden()).isEmpty();
    }

    @Test
    void featuresRefusesAUsersFolderAndFindsItsOwnOutputUpToDate() throws Exception {
        Path mine = userFolder("mine-features", "data.csv", "a,b");
        CliRun r = CliRun.run("features", "--backbone", p("backbone.onnx"), "--tokenizer", p("tokenizer.json"), "--max-length",
                "16", "--data", p("data.jsonl"), "--threads", "1", "--out", mine.toString());
        assertThat(r.code()).isEqualTo(ExitCodes.FAILURE);
        assertThat(r.err()).contains(mine + " is not empty and was not written by this command");
        try (Stream<Path> s = Files.list(mine)) {
            assertThat(s.map(x -> x.getFileName().toString())).containsExactly("data.csv");
        }
        CliRun again = CliRun.run("features", "--backbone", p("backbone.onnx"), "--tokenizer", p("tokenizer.json"), "--max-length",
                "16", "--data", p("data.jsonl"), "--split", "0.6,0.2,0.2", "--threads", "1", "--out", features.toString());
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(again.out()).contains("features: up to date", "store          " + features.resolve("store"));
        assertThat(hidden()).isEmpty();
    }

    @Test
    void exportedFilesAndTheFolderHaveTheUmasksMode() throws Exception {
        Assumptions.assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
        Set<PosixFilePermission> file = Files.getPosixFilePermissions(Files.createFile(dir.resolve("probe-file")));
        Set<PosixFilePermission> folder = Files.getPosixFilePermissions(Files.createDirectory(dir.resolve("probe-folder")));
        Path out = dir.resolve("modes");
        CliRun r = CliRun.run("export", "--features", features.toString(), "--head", heads.toString(), "--out", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(Files.getPosixFilePermissions(out)).isEqualTo(folder);
        for (String f : List.of("model.onnx", "tokenizer.json")) {
            assertThat(Files.getPosixFilePermissions(out.resolve(f))).as(f).isEqualTo(file);
        }
        for (String f : List.of("feature-model.onnx", "tokenizer.json", "store/manifest.json")) {
            assertThat(Files.getPosixFilePermissions(features.resolve(f))).as(f).isEqualTo(file);
        }
    }

    @Test
    void sigtermDuringFeaturesLeavesNoHalfWrittenOutput() throws Exception {
        // enough rows that extraction is still running when the signal comes
        StringBuilder big = new StringBuilder();
        List<String> rows = Files.readAllLines(dir.resolve("data.jsonl"));
        for (int i = 0; i < 400; i++) {
            rows.forEach(l -> big.append(l).append('\n'));
        }
        Files.writeString(dir.resolve("big.jsonl"), big);
        Path out = dir.resolve("feat-killed");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), Main.class.getName(), "features", "--backbone", p("backbone.onnx"),
                "--tokenizer", p("tokenizer.json"), "--max-length", "16", "--data", p("big.jsonl"), "--threads", "1",
                "--batch-size", "1", "--out", out.toString()));
        // to a file: a pipe nobody reads could fill up and block the child (and its shutdown hook)
        Path log = dir.resolve("features-child.log");
        Process child = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (stagingOf("feat-killed").isEmpty() && child.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(stagingOf("feat-killed")).as("the child is writing its staging folder").isNotEmpty();
            assertThat(out).as("never seen half-written under its name").doesNotExist();
            Thread.sleep(300);
            child.destroy();
            assertThat(child.waitFor(120, TimeUnit.SECONDS)).isTrue();
            String output = Files.readString(log);
            assertThat(child.exitValue()).as(output).isEqualTo(143);
            assertThat(output).contains("regula: interrupted", "regula: removed the unfinished output");
            assertThat(out).doesNotExist();
            assertThat(stagingOf("feat-killed")).isEmpty();
        } finally {
            child.destroyForcibly();
        }
    }

    /** Hidden staging siblings of {@code name} in the test folder. */
    private static List<String> stagingOf(String name) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(x -> x.getFileName().toString()).filter(n -> n.startsWith("." + name + ".staging-")).toList();
        }
    }

    /** Hidden leftovers beside the outputs (staging or aside folders). */
    private static List<String> hidden() throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(x -> x.getFileName().toString()).filter(n -> n.startsWith(".")).toList();
        }
    }
}
