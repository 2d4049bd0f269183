package dev.regula.pipeline.run;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Properties;

/**
 * The lock that keeps two runs out of one work folder: an OS file lock on {@code <work>/}{@value #FILE},
 * which also records its holder (pid, host, start time) for the refusal message. The OS drops the
 * lock when its process dies, however it dies, so a lock file left by a killed run never blocks:
 * the file is only information, and a stale one is overwritten by the next holder.
 */
public final class WorkLock implements AutoCloseable {
    /** The lock file's name inside the work folder. */
    public static final String FILE = ".regula.lock";

    private final Path work;
    private final FileChannel channel;
    private final FileLock lock;

    private WorkLock(Path work, FileChannel channel, FileLock lock) {
        this.work = work;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock of {@code work} (an existing folder) at once, or refuses.
     *
     * @throws WorkFolderLockedException when another run, in this process or another, holds it
     */
    public static WorkLock acquire(Path work) throws IOException, WorkFolderLockedException {
        Path file = work.resolve(FILE);
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // held by another run in this JVM
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        if (lock == null) {
            Properties holder = readHolder(ch);
            ch.close();
            throw new WorkFolderLockedException(work, holder.getProperty("pid", "?"), holder.getProperty("host", "?"),
                    holder.getProperty("started", "?"));
        }
        try {
            writeHolder(ch);
        } catch (IOException e) {
            lock.release();
            ch.close();
            throw e;
        }
        return new WorkLock(work, ch, lock);
    }

    /** The locked work folder. */
    public Path work() {
        return work;
    }

    private static Properties readHolder(FileChannel ch) throws IOException {
        Properties p = new Properties();
        ByteBuffer buf = ByteBuffer.allocate(4096);
        while (buf.hasRemaining() && ch.read(buf, buf.position()) > 0) {
            // reads from a fixed position: the holder rewrites the file in place
        }
        p.load(new java.io.StringReader(new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8)));
        return p;
    }

    private static void writeHolder(FileChannel ch) throws IOException {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "unknown";
        }
        String text = "pid=" + ProcessHandle.current().pid() + "\nhost=" + host + "\nstarted=" + Instant.now() + "\n";
        ch.truncate(0);
        ch.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), 0);
        ch.force(true);
    }

    /** Releases the lock (the file stays: deleting it could let two runs lock two different files). */
    @Override
    public synchronized void close() throws IOException {
        if (channel.isOpen()) {
            try {
                lock.release();
            } finally {
                channel.close();
            }
        }
    }
}
