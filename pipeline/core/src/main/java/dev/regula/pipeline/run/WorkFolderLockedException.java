package dev.regula.pipeline.run;

import dev.regula.pipeline.RegulaException;
import java.nio.file.Path;

/**
 * Another run holds the work folder's lock ({@link WorkLock}); nothing was run or touched.
 *
 * @see WorkLock
 */
public final class WorkFolderLockedException extends RegulaException {
    private final Path work;
    private final String pid;
    private final String host;
    private final String started;

    public WorkFolderLockedException(Path work, String pid, String host, String started) {
        super("the work folder " + work + " is in use by another run (pid " + pid + " on " + host + ", started "
                + started + "); wait for it to finish, or use another work folder");
        this.work = work;
        this.pid = pid;
        this.host = host;
        this.started = started;
    }

    public Path work() {
        return work;
    }

    /** The holder's process id, as its lock file records it ({@code ?} when unreadable). */
    public String pid() {
        return pid;
    }

    public String host() {
        return host;
    }

    /** When the holder took the lock (ISO-8601). */
    public String started() {
        return started;
    }
}
