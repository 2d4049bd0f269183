package dev.regula.pipeline.run;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Cleanup for a process stopped by a signal (SIGTERM, SIGINT, SIGHUP): the JVM runs its shutdown
 * hooks, and the one hook here undoes what is registered while work is in flight (a staging folder
 * to remove, a work-folder lock to release) and says so on standard error. Work that finishes, or
 * fails and cleans up itself, closes its registration first, so a normal exit prints nothing. The
 * JVM then exits with 128 + the signal number (143 for SIGTERM).
 *
 * <p>The hook runs while the interrupted thread may still be writing; every cleanup therefore
 * holds the registration's monitor, and code that commits (renames staging into place) does the
 * same through {@link Registration#commit}, so a cleanup and a commit never interleave, and
 * nothing is committed once the hook has run.
 */
public final class Interrupts {
    /** What to undo, and how to say it ("removed the unfinished staging folder X"). */
    public interface Cleanup {
        /** Undoes the work; returns the line to print, or {@code null} when there was nothing to undo. */
        String undo() throws Exception;
    }

    /** A commit step that must not overlap the cleanup. */
    public interface Commit<T, E extends Exception> {
        T run() throws E;
    }

    private static final Set<Registration> ACTIVE = new LinkedHashSet<>();
    private static boolean hooked;

    private Interrupts() {
    }

    /** Whether {@code t} or one of its causes is an {@link InterruptedByShutdown}. */
    public static boolean isShutdown(Throwable t) {
        // bounded: a cause chain can be made circular
        Throwable c = t;
        for (int depth = 0; c != null && depth < 32; depth++, c = c.getCause()) {
            if (c instanceof InterruptedByShutdown) {
                return true;
            }
        }
        return false;
    }

    /** Registers {@code cleanup} until the returned registration is closed. */
    public static Registration register(Cleanup cleanup) {
        Registration r = new Registration(cleanup);
        synchronized (ACTIVE) {
            if (!hooked) {
                Runtime.getRuntime().addShutdownHook(new Thread(Interrupts::runAll, "regula-interrupt-cleanup"));
                hooked = true;
            }
            ACTIVE.add(r);
        }
        return r;
    }

    private static void runAll() {
        List<Registration> todo;
        synchronized (ACTIVE) {
            todo = new ArrayList<>(ACTIVE);
        }
        if (todo.isEmpty()) {
            return;
        }
        PrintStream out = System.err;
        out.println("regula: interrupted");
        // Newest first: a stage's staging folder goes before the run's lock is released.
        for (int i = todo.size() - 1; i >= 0; i--) {
            String line = todo.get(i).undo();
            if (line != null) {
                out.println("regula: " + line);
            }
        }
        out.flush();
    }

    /** One piece of in-flight work. */
    public static final class Registration implements AutoCloseable {
        private final Cleanup cleanup;
        private boolean interrupted;

        private Registration(Cleanup cleanup) {
            this.cleanup = cleanup;
        }

        /**
         * Runs {@code commit} unless the process is being stopped (then throws {@link InterruptedByShutdown}
         * and commits nothing); the cleanup waits for a commit in progress.
         */
        public synchronized <T, E extends Exception> T commit(Commit<T, E> commit) throws E {
            if (interrupted) {
                throw new InterruptedByShutdown();
            }
            return commit.run();
        }

        private synchronized String undo() {
            interrupted = true;
            try {
                return cleanup.undo();
            } catch (Exception e) {
                return "cleanup failed: " + e;
            }
        }

        @Override
        public void close() {
            synchronized (ACTIVE) {
                ACTIVE.remove(this);
            }
        }
    }

    /**
     * Thrown in the working thread when it tries to commit after the shutdown cleanup ran. It is no
     * bug: front ends report it as an interruption (the CLI exits 143, as the signal would), never as
     * an internal error. Public so that front ends can recognise it and their tests can raise it.
     */
    public static final class InterruptedByShutdown extends RuntimeException {
        public InterruptedByShutdown() {
            super("interrupted: the process is shutting down");
        }
    }
}
