package dev.regula.transfer.export;

import dev.regula.models.AtomicFiles;
import dev.regula.models.Folders;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

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
        return new StagedFolder(target, Files.createTempDirectory(parent, "." + target.getFileName() + ".staging-"));
    }

    Path path() {
        return staging;
    }

    /** Copies {@code source} into the staging folder as {@code name}, atomically ({@link AtomicFiles}). */
    void copyIn(Path source, String name) throws ExportException {
        try {
            AtomicFiles.copy(source, staging.resolve(name));
        } catch (IOException e) {
            throw new ExportException(source, "cannot copy it into the export as " + name + ": " + e, e);
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
