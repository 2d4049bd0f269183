package dev.regula.transfer.export;

import dev.regula.models.TempPaths;
import dev.regula.models.Folders;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A hidden folder beside a target folder, filled and then moved onto the target in one rename, so
 * the target is never seen half-written. Closing without {@link #commit()} deletes the staging
 * folder. Replacing an existing target takes two renames (old aside, new in); if the second fails
 * the old folder is moved back.
 */
final class StagedFolder implements AutoCloseable {
    private final Path target;
    private final Path staging;
    private boolean committed;

    private StagedFolder(Path target, Path staging) {
        this.target = target;
        this.staging = staging;
    }

    /**
     * Creates the staging folder for {@code target} (absolute, normalized).
     *
     * @throws ExportException when {@code target} exists and is not a folder
     */
    static StagedFolder create(Path target) throws IOException, ExportException {
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new ExportException(target, "exists and is not a folder; expected a folder (or nothing) to hold the export");
        }
        Path parent = target.getParent();
        Files.createDirectories(parent);
        return new StagedFolder(target, TempPaths.folder(parent, "." + target.getFileName() + ".staging-"));
    }

    Path path() {
        return staging;
    }

    /** Copies {@code source} into the staging folder as {@code name}, through a temporary file and a rename. */
    void copyIn(Path source, String name) throws ExportException {
        Path dest = staging.resolve(name);
        Path tmp = null;
        try {
            tmp = TempPaths.file(staging, "." + name, ".tmp");
            Files.copy(source, tmp, StandardCopyOption.REPLACE_EXISTING);
            Folders.move(tmp, dest);
        } catch (IOException e) {
            throw new ExportException(source, "cannot copy it into the export as " + name + ": " + e, e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // the staging folder is deleted as a whole on failure
                }
            }
        }
    }

    /** Moves the staging folder onto the target, replacing an existing target folder. */
    void commit() throws IOException {
        Folders.replace(staging, target);
        committed = true;
    }

    @Override
    public void close() throws IOException {
        if (!committed) {
            Folders.deleteTree(staging);
        }
    }
}
