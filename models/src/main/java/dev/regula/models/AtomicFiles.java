package dev.regula.models;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes a file so that its final name only ever holds complete content: the bytes go to a
 * hidden temporary file in the same folder (same file system, so the rename is atomic), are
 * forced to disk, and the temporary file is then renamed over the target. Any failure removes
 * the temporary file and leaves an earlier file under the target name untouched.
 *
 * <p>The one temp-and-move writer of every module: the file gets the user's umask (not the
 * owner-only mode of {@link Files#createTempFile}), and the folder is created if missing.
 */
public final class AtomicFiles {
    private AtomicFiles() {
    }

    /** Produces the file's content. */
    @FunctionalInterface
    public interface Body {
        void writeTo(OutputStream out) throws IOException;
    }

    /** Writes what {@code body} produces to {@code target}, atomically; creates the folder if missing. */
    public static void write(Path target, Body body) throws IOException {
        Path abs = target.toAbsolutePath().normalize();
        Path dir = abs.getParent();
        if (dir == null || abs.getFileName() == null) {
            throw new IOException("not a file path: " + target);
        }
        Files.createDirectories(dir);
        Path tmp = createTemp(dir, abs.getFileName().toString());
        boolean moved = false;
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE);
                 OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16)) {
                // A body may close what it is handed (Jackson and try-with-resources do); the channel
                // must stay open until it is forced, so the body gets a stream whose close only flushes.
                body.writeTo(new FilterOutputStream(out) {
                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        out.write(b, off, len);
                    }

                    @Override
                    public void close() throws IOException {
                        out.flush();
                    }
                });
                out.flush();
                ch.force(true);
            }
            Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            moved = true;
        } finally {
            if (!moved) {
                Files.deleteIfExists(tmp);
            }
        }
        syncFolder(dir);
    }

    /** Writes {@code bytes} to {@code target}, atomically. */
    public static void write(Path target, byte[] bytes) throws IOException {
        write(target, out -> out.write(bytes));
    }

    /** Writes {@code text} as UTF-8 to {@code target}, atomically. */
    public static void writeString(Path target, CharSequence text) throws IOException {
        write(target, out -> out.write(text.toString().getBytes(StandardCharsets.UTF_8)));
    }

    /** Copies the file {@code from} to {@code target}, atomically. */
    public static void copy(Path from, Path target) throws IOException {
        write(target, out -> Files.copy(from, out));
    }

    private static Path createTemp(Path dir, String name) throws IOException {
        return TempPaths.file(dir, "." + name + ".", ".tmp");
    }

    /** Makes the rename itself durable; not every platform lets a folder be opened, so best effort. */
    private static void syncFolder(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // The file's own content is already forced; only the directory entry's durability is lost.
        }
    }
}
