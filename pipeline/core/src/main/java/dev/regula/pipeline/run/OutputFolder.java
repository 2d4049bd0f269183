package dev.regula.pipeline.run;

import dev.regula.models.Folders;
import dev.regula.models.TempPaths;
import dev.regula.pipeline.OptionName;
import dev.regula.pipeline.Problem;
import dev.regula.pipeline.RegulaException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.stream.Stream;

/**
 * The output folder of a stage run on explicit paths ({@code regula train --out DIR}, ...): written
 * into a hidden sibling folder and moved into place only when complete, so {@code DIR} is never
 * seen half-written. Every output carries a {@value #MARKER} file naming what it holds; an existing
 * {@code DIR} is replaced only when it is empty or carries the marker of the same kind of output.
 * Any other folder, even one holding a file of the output's name, is refused and left untouched:
 * Regula deletes only what it wrote. A process stopped by a signal removes its staging folder
 * ({@link Interrupts}); one killed outright leaves it, and the next write of the same output removes
 * it once its writer is gone ({@link StaleStaging}).
 */
public final class OutputFolder {
    /** The marker file inside every standalone output; its one line names the kind of output. */
    public static final String MARKER = ".regula-output";

    /** Writes the payload into the staging folder. */
    public interface Body<T> {
        T write(Path staging) throws RegulaException, IOException;
    }

    private OutputFolder() {
    }

    /**
     * Writes the output {@code out} through {@code body}.
     *
     * @param option the front end's name for {@code out}, used in messages
     * @param kind the output's kind, by its main file ({@code model.onnx}, {@code index.html}, ...): recorded in
     *     the marker, and required of an existing {@code out} that is replaced
     * @throws RegulaException when {@code out} exists and is not an output of this kind (nothing is touched)
     */
    public static <T> T write(Path out, OptionName option, String kind, Body<T> body) throws RegulaException {
        Path target = out.toAbsolutePath().normalize();
        check(target, option, kind);
        Path staging = null;
        try {
            Files.createDirectories(target.getParent());
            StaleStaging.removeGone(target, Instant.now());
            staging = TempPaths.folder(target.getParent(), StaleStaging.prefix(target));
            StaleStaging.record(staging);
            Path unfinished = staging;
            try (Interrupts.Registration reg = Interrupts.register(() -> {
                if (!Files.exists(unfinished, LinkOption.NOFOLLOW_LINKS)) {
                    return null;
                }
                Folders.deleteTree(unfinished);
                return "removed the unfinished output " + unfinished + " (" + target + " is as it was)";
            })) {
                T result = body.write(staging);
                StaleStaging.forget(staging);
                Files.writeString(staging.resolve(MARKER), kind + "\n", StandardCharsets.UTF_8);
                reg.commit(() -> {
                    Folders.replace(unfinished, target);
                    return null;
                });
                staging = null;
                return result;
            }
        } catch (IOException e) {
            throw new RegulaException(Problem.about(option, "cannot write " + target + ": " + e.getMessage()), e);
        } finally {
            if (staging != null) {
                try {
                    Folders.deleteTree(staging);
                } catch (IOException ignored) {
                    // a hidden leftover beside the output; the next run uses a fresh name
                }
            }
        }
    }

    /**
     * Refuses {@code target} unless it is absent, an empty folder, or an output of {@code kind}.
     *
     * @throws RegulaException naming the folder and what was expected
     */
    public static void check(Path target, OptionName option, String kind) throws RegulaException {
        if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new ForeignFolderException(target, "a folder", Problem.about(option, target + " exists and is not a folder; expected a new or empty "
                    + "folder, or an earlier output of this command"));
        }
        String found = kindOf(target);
        if (kind.equals(found)) {
            return;
        }
        if (found != null) {
            throw new ForeignFolderException(target, MARKER + " naming " + kind, Problem.about(option, target + " holds another kind of Regula output (" + found
                    + "), not " + kind + "; give a new or empty folder, or an earlier output of this command"));
        }
        try (Stream<Path> s = Files.list(target)) {
            if (s.findAny().isPresent()) {
                throw new ForeignFolderException(target, MARKER + " naming " + kind, Problem.about(option, target + " is not empty and was not written by this command "
                        + "(it has no " + MARKER + " marker naming " + kind + "); give a new or empty folder, or an earlier "
                        + "output of this command (it is replaced as a whole); Regula does not delete files it did not write"));
            }
        } catch (IOException e) {
            throw new RegulaException(Problem.about(option, "cannot list " + target + ": " + e.getMessage()), e);
        }
    }

    /** The kind recorded in {@code dir}'s marker, or {@code null} when it has none (or not a regular file). */
    public static String kindOf(Path dir) {
        Path marker = dir.resolve(MARKER);
        if (!Files.isRegularFile(marker, LinkOption.NOFOLLOW_LINKS)) {
            return null;
        }
        try {
            String s = Files.readString(marker, StandardCharsets.UTF_8).strip();
            return s.isEmpty() || s.length() > 200 ? null : s;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
