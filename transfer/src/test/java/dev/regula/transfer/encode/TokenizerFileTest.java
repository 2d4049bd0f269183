package dev.regula.transfer.encode;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.regula.transfer.backbone.Backbone;
import dev.regula.transfer.backbone.BackboneException;
import dev.regula.transfer.backbone.TinyBackbones;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A bad tokenizer file is refused where it is named, saying what failed, not only where it is. */
class TokenizerFileTest {
    @TempDir
    Path tmp;

    @Test
    void notJsonIsSaid() throws Exception {
        Path f = Files.writeString(tmp.resolve("tokenizer.json"), "this is not json");
        assertThatThrownBy(() -> TextEncoder.checkFile(f)).hasMessageContaining(f.toString()).hasMessageContaining("is not JSON");
        Files.writeString(f, "[1, 2]");
        assertThatThrownBy(() -> TextEncoder.checkFile(f)).hasMessageContaining("is not JSON: expected a JSON object");
        Files.writeString(f, "");
        assertThatThrownBy(() -> TextEncoder.checkFile(f)).hasMessageContaining("found an empty file");
        Files.writeString(f, "{\"a\": 1} {");
        assertThatThrownBy(() -> TextEncoder.checkFile(f)).hasMessageContaining("text after the closing brace");
        Files.writeString(f, "{\"a\": ");
        assertThatThrownBy(() -> TextEncoder.open(f, 16, true)).hasMessageContaining("is not JSON");
    }

    @Test
    void unreadableSaysPermissionDenied() throws Exception {
        Path f = TinyBackbones.writeTokenizer(tmp);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("-w-------"));
        assumeThat(Files.isReadable(f)).as("running as root: permissions are not enforced").isFalse();
        assertThatThrownBy(() -> TextEncoder.open(f, 16, true)).hasMessageContaining(f.toString()).hasMessageContaining("permission denied");
    }

    @Test
    void missingOrNotAFileIsSaid() throws Exception {
        assertThatThrownBy(() -> TextEncoder.checkFile(tmp.resolve("nope.json"))).hasMessageContaining("does not exist");
        assertThatThrownBy(() -> TextEncoder.checkFile(tmp)).hasMessageContaining("is not a regular file");
        assertThatThrownBy(() -> TextEncoder.checkFile(Path.of("/dev/zero"))).hasMessageContaining("is not a regular file");
    }

    @Test
    void importRefusesANonJsonTokenizerNamingItsSource() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("backbone"));
        Files.write(dir.resolve("model.onnx"), new TinyBackbones(1).text(13).toByteArray());
        Path bad = Files.writeString(tmp.resolve("tok.txt"), "vocab: w1 w2");
        assertThatThrownBy(() -> Backbone.load(dir.toString(), bad.toString(), tmp.resolve("cache")))
                .isInstanceOf(BackboneException.class)
                .hasMessageContaining("backbone source '" + bad + "'").hasMessageContaining("is not JSON");
    }
}
