package dev.regula.pipeline.run;

import dev.regula.models.Folders;
import dev.regula.pipeline.OptionName;
import dev.regula.pipeline.Problem;
import dev.regula.pipeline.RegulaException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The output folder of a stage run on explicit paths ({@code regula train --out DIR}, ...): written
 * into a hidden sibling folder and moved into place only when complete, so {@code DIR} is never
 * seen half-written. An existing {@code DIR} is replaced only when it is empty or holds the marker
 * file of the same step (an earlier output); any other folder is refused rather than deleted.
 */
public final class OutputFolder {
    /** Writes the payload into the staging folder. */
    public interface Body<T> {
        T write(Path staging) throws RegulaException, IOException;
    }

    private OutputFolder() {
    }

    /** Writes {@code out}; an error names {@code option}, the request option that gave it. */
    public static <T> T write(Path out, OptionName option, String marker, Body<T> body) throws RegulaException {
        Path target = out.toAbsolutePath().normalize();
        check(target, option, marker);
        Path staging = null;
        try {
            Files.createDirectories(target.getParent());
            staging = Files.createTempDirectory(target.getParent(), "." + target.getFileName() + ".staging-");
            T result = body.write(staging);
            Folders.replace(staging, target);
            staging = null;
            return result;
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

    private static void check(Path target, OptionName option, String marker) throws RegulaException {
        if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new RegulaException(Problem.about(option, target + " exists and is not a folder; expected a new or empty "
                    + "folder, or an earlier output of this command"));
        }
        if (Files.exists(target.resolve(marker))) {
            return;
        }
        try (Stream<Path> s = Files.list(target)) {
            if (s.findAny().isPresent()) {
                throw new RegulaException(Problem.about(option, target + " is not empty and holds no " + marker
                        + " from an earlier run of this command; give a new or empty folder (it is replaced as a whole)"));
            }
        } catch (IOException e) {
            throw new RegulaException(Problem.about(option, "cannot list " + target + ": " + e.getMessage()), e);
        }
    }
}
