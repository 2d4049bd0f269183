package dev.regula.pipeline.run;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM on the test class path, its output (standard error merged into standard output) sent
 * to a log file that the test reads as it grows. Not a pipe: reading a pipe races with the JDK
 * draining it when the process exits ("Stream closed"), and a pipe nobody reads can fill up and
 * block the child's shutdown hook.
 */
final class Child implements AutoCloseable {
    /** The exit status of a JVM stopped by SIGTERM (128 + 15), its shutdown hooks run. */
    static final int TERMINATED = 143;
    /** The exit status of a process killed by SIGKILL (128 + 9). */
    static final int KILLED = 137;

    private final Process process;
    private final Path log;

    private Child(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    static Child start(Path log, Class<?> main, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), main.getName()));
        cmd.addAll(List.of(args));
        return new Child(new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start(), log);
    }

    /** Waits (up to 5 minutes) for a line starting with {@code prefix}; returns it, or {@code null} when the child ended first. */
    String await(String prefix) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (System.nanoTime() < deadline) {
            boolean alive = process.isAlive();
            for (String l : complete()) {
                if (l.startsWith(prefix)) {
                    return l;
                }
            }
            if (!alive) {
                return null;
            }
            Thread.sleep(20);
        }
        return null;
    }

    /** The lines written so far, without a last line still being written. */
    private List<String> complete() throws IOException {
        String s = Files.readString(log, StandardCharsets.UTF_8);
        int end = s.lastIndexOf('\n');
        return end < 0 ? List.of() : List.of(s.substring(0, end).split("\n", -1));
    }

    long pid() {
        return process.pid();
    }

    /** Sends SIGTERM (what {@code kill PID} sends) and waits for the exit status. */
    int terminate() throws Exception {
        process.destroy();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("child did not exit after SIGTERM");
        }
        return process.exitValue();
    }

    /** Sends SIGKILL (what {@code kill -9 PID} sends): no shutdown hook runs. Waits for the exit status. */
    int kill() throws Exception {
        process.destroyForcibly();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            throw new AssertionError("child did not exit after SIGKILL");
        }
        return process.exitValue();
    }

    /** Every line the child printed; call once it has exited. */
    List<String> output() throws IOException {
        return Files.readAllLines(log, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
