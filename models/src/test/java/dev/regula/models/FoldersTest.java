package dev.regula.models;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FoldersTest {
    @TempDir
    Path dir;

    @Test
    void replaceMovesTheStagingFolderOntoAMissingOrAnExistingTargetAndLeavesNothingAside() throws Exception {
        Path target = dir.resolve("out");
        Path first = Files.createDirectories(dir.resolve(".staging-1"));
        Files.writeString(first.resolve("a.txt"), "one");
        Folders.replace(first, target);
        assertThat(Files.readString(target.resolve("a.txt"))).isEqualTo("one");

        Path second = Files.createDirectories(dir.resolve(".staging-2"));
        Files.writeString(second.resolve("b.txt"), "two");
        Folders.replace(second, target);
        assertThat(target.resolve("a.txt")).doesNotExist();
        assertThat(Files.readString(target.resolve("b.txt"))).isEqualTo("two");
        try (Stream<Path> s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("out");
        }
    }

    @Test
    void deleteTreeDeletesLinksWithoutFollowingThem() throws Exception {
        Path keep = Files.createDirectories(dir.resolve("keep"));
        Files.writeString(keep.resolve("precious.txt"), "x");
        Path tree = Files.createDirectories(dir.resolve("tree/sub"));
        Files.writeString(tree.resolve("f.txt"), "y");
        Files.createSymbolicLink(dir.resolve("tree/link"), keep);
        Folders.deleteTree(dir.resolve("tree"));
        assertThat(dir.resolve("tree")).doesNotExist();
        assertThat(keep.resolve("precious.txt")).hasContent("x");
        Folders.deleteTree(dir.resolve("tree")); // absent: no-op
        assertThat(Folders.randomHex()).matches("[0-9a-f]{12}");
    }
}
