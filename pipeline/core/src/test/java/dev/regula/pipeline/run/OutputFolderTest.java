package dev.regula.pipeline.run;

import dev.regula.pipeline.OptionName;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A standalone output replaces only an earlier output of the same kind (its marker); a folder that
 * merely holds a file of the output's name is the user's and is refused untouched; SIGTERM leaves
 * the earlier output and no staging.
 */
class OutputFolderTest {
    @TempDir
    Path dir;

    /** Apart from {@link #dir}, whose listing the tests check. */
    @TempDir
    Path logs;

    private static void write(Path out, String kind, String content) throws Exception {
        OutputFolder.write(out, OptionName.OUT, kind, staging -> {
            Files.writeString(staging.resolve(kind), content);
            return null;
        });
    }

    @Test
    void aNewFolderGetsTheOutputAndItsMarker() throws Exception {
        Path out = dir.resolve("a/b/out");
        write(out, "model.onnx", "one");
        assertThat(out.resolve("model.onnx")).hasContent("one");
        assertThat(OutputFolder.kindOf(out)).isEqualTo("model.onnx");
        assertThat(siblings(out.getParent())).containsExactly("out");
    }

    @Test
    void anEarlierOutputOfTheSameKindIsReplacedWhole() throws Exception {
        Path out = dir.resolve("out");
        write(out, "model.onnx", "one");
        Files.writeString(out.resolve("stale.txt"), "from the earlier output");
        write(out, "model.onnx", "two");
        assertThat(out.resolve("model.onnx")).hasContent("two");
        assertThat(out.resolve("stale.txt")).doesNotExist();
    }

    @Test
    void anEmptyFolderIsUsed() throws Exception {
        Path out = Files.createDirectories(dir.resolve("out"));
        write(out, "index.html", "page");
        assertThat(out.resolve("index.html")).hasContent("page");
    }

    @Test
    void aFolderThatOnlyHoldsAFileOfTheOutputsNameIsRefusedUntouched() throws Exception {
        Path out = Files.createDirectories(dir.resolve("site"));
        Files.writeString(out.resolve("index.html"), "my page");
        Files.createDirectories(out.resolve("css"));
        Files.writeString(out.resolve("css/site.css"), "body {}");
        assertThatThrownBy(() -> write(out, "index.html", "report")).isInstanceOfSatisfying(ForeignFolderException.class, e -> {
            assertThat(e.folder()).isEqualTo(out);
            assertThat(e.expected()).isEqualTo(".regula-output naming index.html");
            assertThat(e.getMessage()).contains("out: " + out + " is not empty and was not written by this command",
                    "Regula does not delete files it did not write");
        });
        assertThat(out.resolve("index.html")).hasContent("my page");
        assertThat(out.resolve("css/site.css")).hasContent("body {}");
        assertThat(siblings(dir)).containsExactly("site");
    }

    @Test
    void anOutputOfAnotherKindIsRefused() throws Exception {
        Path out = dir.resolve("out");
        write(out, "model.onnx", "model");
        assertThatThrownBy(() -> write(out, "index.html", "page")).isInstanceOf(ForeignFolderException.class)
                .hasMessageContaining("holds another kind of Regula output (model.onnx), not index.html");
        assertThat(out.resolve("model.onnx")).hasContent("model");
    }

    @Test
    void aFileInPlaceOfTheFolderIsRefused() throws Exception {
        Path out = dir.resolve("out");
        Files.writeString(out, "a file");
        assertThatThrownBy(() -> write(out, "model.onnx", "m")).isInstanceOf(ForeignFolderException.class)
                .hasMessageContaining("exists and is not a folder");
        assertThat(out).hasContent("a file");
    }

    @Test
    void aFailingBodyLeavesTheEarlierOutputAndNoStaging() throws Exception {
        Path out = dir.resolve("out");
        write(out, "model.onnx", "one");
        assertThatThrownBy(() -> OutputFolder.write(out, OptionName.OUT, "model.onnx", staging -> {
            Files.writeString(staging.resolve("model.onnx"), "half");
            throw new java.io.IOException("disk full");
        })).hasMessageContaining("disk full");
        assertThat(out.resolve("model.onnx")).hasContent("one");
        assertThat(siblings(dir)).containsExactly("out");
    }

    @Test
    void sigtermRemovesTheStagingAndKeepsTheEarlierOutput() throws Exception {
        Path out = dir.resolve("out");
        write(out, "model.onnx", "earlier");
        try (Child child = Child.start(logs.resolve("child.log"), StagedOutputMain.class, out.toString())) {
            String writing = child.await("writing ");
            assertThat(writing).as("the child is writing").isNotNull();
            Path staging = Path.of(writing.substring("writing ".length()));
            assertThat(staging.resolve("model.onnx")).hasContent("half");
            assertThat(child.terminate()).isEqualTo(Child.TERMINATED);
            assertThat(child.output()).contains("regula: interrupted",
                    "regula: removed the unfinished output " + staging + " (" + out + " is as it was)");
        }
        assertThat(out.resolve("model.onnx")).hasContent("earlier");
        assertThat(siblings(dir)).containsExactly("out");
    }

    private static java.util.List<String> siblings(Path parent) throws Exception {
        try (Stream<Path> s = Files.list(parent)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
