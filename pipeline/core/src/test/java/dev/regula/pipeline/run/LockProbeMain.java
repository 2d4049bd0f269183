package dev.regula.pipeline.run;

import java.nio.file.Path;

/** Tries to take a work folder's lock in a child JVM and prints {@code acquired} or {@code refused PID}. */
public final class LockProbeMain {
    private LockProbeMain() {
    }

    public static void main(String[] args) throws Exception {
        try (WorkLock lock = WorkLock.acquire(Path.of(args[0]))) {
            System.out.println("acquired");
        } catch (WorkFolderLockedException e) {
            System.out.println("refused " + e.pid());
        }
    }
}
