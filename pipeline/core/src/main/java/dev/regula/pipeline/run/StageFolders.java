package dev.regula.pipeline.run;

import dev.regula.models.Folders;
import dev.regula.models.Hashing;
import dev.regula.pipeline.Problem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Staging folders, payload hashes and the atomic swap that puts a finished stage folder in place:
 * the old folder is moved aside, the new one moved in, the old one deleted. A crash at any point
 * leaves either the old complete folder, no folder (rerun makes it), or the new complete folder.
 */
final class StageFolders {
    static final String STAGING = ".staging";

    private StageFolders() {
    }

    /**
     * Refuses the run when a stage folder it may replace was not written by Regula: every existing
     * {@code <work>/<stage>} must be a folder holding that stage's {@code manifest.json}. Checked before
     * any stage runs, so a refused run touches nothing.
     */
    static void checkOwned(Path work, List<Stage> stages) throws ForeignFolderException {
        for (Stage stage : stages) {
            Path dir = work.resolve(stage.name().dir());
            if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            String expected = "the " + stage.name().dir() + " stage's " + Manifest.FILE;
            String found;
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                found = "it is not a folder";
            } else if (!Files.isRegularFile(dir.resolve(Manifest.FILE), LinkOption.NOFOLLOW_LINKS)) {
                found = "it has no " + Manifest.FILE;
            } else {
                found = manifestStage(dir.resolve(Manifest.FILE))
                        .filter(s -> !s.equals(stage.name().dir()))
                        .map(s -> "its " + Manifest.FILE + " is not that stage's (stage: " + s + ")")
                        .orElse(null);
            }
            if (found != null) {
                throw new ForeignFolderException(dir, expected, Problem.of("the work folder holds " + dir + ", which Regula did not write ("
                        + found + "; expected " + expected + "); Regula replaces stage folders as a whole and does not delete "
                        + "files it did not write: move it away, or use another work folder"));
            }
        }
    }

    /** The stage a manifest names; "unreadable" when it cannot be read as one (so not Regula's). */
    private static java.util.Optional<String> manifestStage(Path file) {
        try {
            return java.util.Optional.of(Json.read(file, Manifest.class).stage());
        } catch (IOException | RuntimeException e) {
            return java.util.Optional.of("unreadable");
        }
    }

    /** Removes leftovers of interrupted runs: everything under {@code <work>/.staging}. */
    static void clearStaging(Path work) throws IOException {
        Path staging = work.resolve(STAGING);
        if (Files.isDirectory(staging)) {
            try (Stream<Path> s = Files.list(staging)) {
                for (Path p : (Iterable<Path>) s::iterator) {
                    deleteTree(p);
                }
            }
        }
    }

    static Path newStaging(Path work, StageName stage) throws IOException {
        Path dir = work.resolve(STAGING).resolve(stage.dir() + "-" + randomHex());
        Files.createDirectories(dir);
        return dir;
    }

    /** SHA-256 of every regular file under {@code dir} except the manifest and {@code unhashed}, by relative path. */
    static Map<String, String> hashPayload(Path dir, Set<String> unhashed) throws IOException {
        Map<String, String> hashes = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s.filter(Files::isRegularFile).sorted()::iterator) {
                String rel = dir.relativize(p).toString().replace('\\', '/');
                if (rel.equals(Manifest.FILE) || unhashed.contains(rel)) {
                    continue;
                }
                hashes.put(rel, Hashing.sha256(p));
            }
        }
        return hashes;
    }

    /** Moves a finished staging folder to {@code target}, replacing what was there. */
    static void commit(Path staging, Path target, Path work, StageName stage) throws IOException {
        Path aside = null;
        if (Files.exists(target)) {
            aside = work.resolve(STAGING).resolve(stage.dir() + "-old-" + randomHex());
            move(target, aside);
        }
        move(staging, target);
        if (aside != null) {
            deleteTree(aside);
        }
    }

    /** Removes a committed stage folder (the stage must rerun). */
    static void remove(Path target, Path work, StageName stage) throws IOException {
        if (Files.exists(target)) {
            Path aside = work.resolve(STAGING).resolve(stage.dir() + "-old-" + randomHex());
            Files.createDirectories(aside.getParent());
            move(target, aside);
            deleteTree(aside);
        }
    }

    private static void move(Path from, Path to) throws IOException {
        Folders.move(from, to);
    }

    static void deleteTree(Path root) throws IOException {
        Folders.deleteTree(root);
    }

    private static String randomHex() {
        return Folders.randomHex();
    }
}
