package dev.regula.models;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes a file so that its final name only ever holds complete content: the bytes go to a
 * hidden temporary file in the same folder (same file system, so the rename is atomic), are
 * forced to disk, and the temporary file is then renamed over the target. Any failure removes
 * the temporary file and leaves an earlier file under the target name untouched.
 */
final class AtomicFiles {
    private AtomicFiles() {
    }

    /** Produces the file's content. */
    interface Body {
        void writeTo(OutputStream out) throws IOException;
    }

    static void write(Path target, Body body) throws IOException {
        Path abs = target.toAbsolutePath().normalize();
        Path dir = abs.getParent();
        if (dir == null || abs.getFileName() == null) {
            throw new IOException("not a file path: " + target);
        }
        Path tmp = createTemp(dir, abs.getFileName().toString());
        boolean moved = false;
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE);
                 OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16)) {
                body.writeTo(out);
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

    private static Path createTemp(Path dir, String name) throws IOException {
        // Not Files.createTempFile: that makes the file owner-only (0600), and the renamed model
        // would keep those permissions; CREATE_NEW follows the umask like any other new file.
        for (int attempt = 0; ; attempt++) {
            Path tmp = dir.resolve("." + name + "." + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36)
                    + ".tmp");
            try {
                Files.newByteChannel(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
                return tmp;
            } catch (FileAlreadyExistsException e) {
                if (attempt > 10) {
                    throw e;
                }
            }
        }
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
