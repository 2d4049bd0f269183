package dev.regula.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfinedPathTest {
    @TempDir
    Path tmp;

    private Path folder() throws Exception {
        Path f = Files.createDirectories(tmp.resolve("model"));
        Files.writeString(f.resolve("tokenizer.json"), "{}");
        Files.createDirectories(f.resolve("sub"));
        Files.writeString(f.resolve("sub/t.json"), "{}");
        return f;
    }

    private static String message(Path folder, String location) {
        try {
            ConfinedPath.resolve(folder, location);
        } catch (ConfinedPath.RefusedException e) {
            return e.getMessage();
        }
        throw new AssertionError("'" + location + "' was accepted");
    }

    @Test
    void filesInsideTheFolderResolve() throws Exception {
        Path f = folder();
        assertThat(ConfinedPath.resolve(f, "tokenizer.json")).isEqualTo(f.resolve("tokenizer.json").toRealPath());
        assertThat(ConfinedPath.resolve(f, "sub/../sub/t.json")).isEqualTo(f.resolve("sub/t.json").toRealPath());
        Files.createSymbolicLink(f.resolve("inner"), Path.of("sub/t.json"));
        assertThat(ConfinedPath.resolve(f, "inner")).isEqualTo(f.resolve("sub/t.json").toRealPath());
    }

    @Test
    void absoluteAndClimbingPathsAreRefused() throws Exception {
        Path f = folder();
        assertThat(message(f, "/etc/passwd")).contains("absolute locations are refused");
        assertThat(message(f, "C:\\x")).contains("absolute locations are refused");
        assertThat(message(f, "../secret")).contains("leaves the model's folder");
        assertThat(message(f, "sub/../../secret")).contains("leaves the model's folder");
        assertThat(message(f, ".")).contains("leaves the model's folder");
        assertThat(message(f, "")).contains("is empty");
    }

    @Test
    void theMessageIsTheSameWhetherAnOutsideTargetExistsOrNot() throws Exception {
        Path f = folder();
        Files.writeString(tmp.resolve("exists.txt"), "secret");
        assertThat(message(f, "../exists.txt").replace("exists", "X"))
                .isEqualTo(message(f, "../missing.txt").replace("missing", "X"));
        Files.createSymbolicLink(f.resolve("a"), tmp.resolve("exists.txt"));
        Files.createSymbolicLink(f.resolve("b"), tmp.resolve("missing.txt"));
        assertThat(message(f, "a")).contains("symbolic link out of the model's folder");
        assertThat(message(f, "a").replace("'a'", "'b'")).isEqualTo(message(f, "b"));
        // a link to a folder outside, then a name under it
        Files.createSymbolicLink(f.resolve("d"), tmp);
        assertThat(message(f, "d/exists.txt").replace("exists", "X")).isEqualTo(message(f, "d/missing.txt").replace("missing", "X"));
    }

    @Test
    void aMissingFileInsideTheFolderSaysSo() throws Exception {
        Path f = folder();
        assertThat(message(f, "nope.json")).contains("does not exist");
    }
}
