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
import java.util.HashMap;
import java.util.Map;
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

    /**
     * The work folders this JVM holds, by real path. A second run in the same JVM is refused from
     * here, without opening the lock file: on Linux, closing any channel of a file drops every lock
     * the process holds on it, so a refused run must not open and close the holder's lock file.
     */
    private static final Map<Path, Properties> HELD = new HashMap<>();

    private final Path work;
    private final Path key;
    private final FileChannel channel;
    private final FileLock lock;

    private WorkLock(Path work, Path key, FileChannel channel, FileLock lock) {
        this.work = work;
        this.key = key;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock of {@code work} (an existing folder) at once, or refuses.
     *
     * @throws WorkFolderLockedException when another run, in this process or another, holds it
     */
    public static WorkLock acquire(Path work) throws IOException, WorkFolderLockedException {
        Path key = work.toRealPath();
        synchronized (HELD) {
            Properties inJvm = HELD.get(key);
            if (inJvm != null) {
                throw locked(work, inJvm);
            }
            FileChannel ch = FileChannel.open(key.resolve(FILE), StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // another lock in this JVM, not taken through this class
            } catch (IOException | RuntimeException e) {
                ch.close();
                throw e;
            }
            if (lock == null) {
                Properties holder = readHolder(ch);
                ch.close();
                throw locked(work, holder);
            }
            try {
                HELD.put(key, writeHolder(ch));
            } catch (IOException e) {
                lock.release();
                ch.close();
                throw e;
            }
            return new WorkLock(work, key, ch, lock);
        }
    }

    private static WorkFolderLockedException locked(Path work, Properties holder) {
        return new WorkFolderLockedException(work, holder.getProperty("pid", "?"), holder.getProperty("host", "?"),
                holder.getProperty("started", "?"));
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

    private static Properties writeHolder(FileChannel ch) throws IOException {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "unknown";
        }
        Properties p = new Properties();
        p.setProperty("pid", Long.toString(ProcessHandle.current().pid()));
        p.setProperty("host", host);
        p.setProperty("started", Instant.now().toString());
        String text = "pid=" + p.getProperty("pid") + "\nhost=" + host + "\nstarted=" + p.getProperty("started") + "\n";
        ch.truncate(0);
        ch.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), 0);
        ch.force(true);
        return p;
    }

    /** Releases the lock (the file stays: deleting it could let two runs lock two different files). */
    @Override
    public void close() throws IOException {
        synchronized (HELD) {
            if (channel.isOpen()) {
                try {
                    lock.release();
                } finally {
                    channel.close();
                    HELD.remove(key);
                }
            }
        }
    }
}
