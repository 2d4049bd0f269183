package dev.regula.pipeline.run;

import dev.regula.models.Folders;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Staging folders left beside an output by a writer that was killed outright (SIGKILL, a power cut):
 * no shutdown hook ran, so nothing removed them. Each staging folder records its writer in a
 * {@value #WRITER} file (process id and start time); the next write of the same output removes the
 * siblings whose writer is gone. A folder whose writer still runs is never touched, however old:
 * a long export is not stale. A folder with no readable record (its writer was killed between
 * creating it and recording itself, or after dropping the record just before the commit) is
 * removed only once it is older than {@link #UNRECORDED_AFTER}.
 *
 * <p>Liveness is judged on this machine only: an output folder shared over a network by writers on
 * two machines would see the other machine's writer as gone. Regula does not support that, as it
 * does not for the work folder's lock.
 */
final class StaleStaging {
    /** The writer record inside a staging folder; removed before the folder becomes the output. */
    static final String WRITER = ".regula-writer";
    /** How old a staging folder without a writer record must be before it counts as abandoned. */
    static final Duration UNRECORDED_AFTER = Duration.ofHours(24);

    private StaleStaging() {
    }

    /** The staging-folder name prefix of {@code target} ({@code .out.staging-}); a random suffix follows. */
    static String prefix(Path target) {
        return "." + target.getFileName() + ".staging-";
    }

    /** Records this process as the writer of {@code staging}. */
    static void record(Path staging) throws IOException {
        ProcessHandle self = ProcessHandle.current();
        StringBuilder b = new StringBuilder("pid=").append(self.pid()).append('\n');
        self.info().startInstant().ifPresent(t -> b.append("start=").append(t).append('\n'));
        Files.writeString(staging.resolve(WRITER), b, StandardCharsets.UTF_8);
    }

    /** Drops the record so that it does not become part of the output. */
    static void forget(Path staging) throws IOException {
        Files.deleteIfExists(staging.resolve(WRITER));
    }

    /**
     * Removes the staging siblings of {@code target} whose writer is gone; returns what it removed.
     * Only folders named exactly as {@link OutputFolder} names them are considered; a folder that
     * cannot be removed is left for a later run (it is hidden and harms nothing).
     */
    static List<Path> removeGone(Path target, Instant now) {
        Path parent = target.getParent();
        Pattern ours = Pattern.compile(Pattern.quote(prefix(target)) + "[0-9a-f]{12}");
        List<Path> removed = new ArrayList<>();
        if (parent == null || !Files.isDirectory(parent)) {
            return removed;
        }
        List<Path> candidates;
        try (Stream<Path> s = Files.list(parent)) {
            candidates = s.filter(p -> ours.matcher(p.getFileName().toString()).matches())
                    .filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).toList();
        } catch (IOException e) {
            return removed;
        }
        for (Path p : candidates) {
            try {
                if (abandoned(p, now)) {
                    Folders.deleteTree(p);
                    removed.add(p);
                }
            } catch (IOException e) {
                // left for a later run
            }
        }
        return removed;
    }

    /** Whether {@code staging}'s writer is gone (or, with no record, the folder is old enough to count as abandoned). */
    static boolean abandoned(Path staging, Instant now) throws IOException {
        Optional<Properties> rec = read(staging.resolve(WRITER));
        if (rec.isEmpty()) {
            Instant modified = Files.readAttributes(staging, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                    .lastModifiedTime().toInstant();
            return modified.plus(UNRECORDED_AFTER).isBefore(now);
        }
        long pid;
        try {
            pid = Long.parseLong(rec.get().getProperty("pid", ""));
        } catch (NumberFormatException e) {
            return false; // a record we cannot read is treated as live: never remove another writer's folder on a guess
        }
        Optional<ProcessHandle> h = ProcessHandle.of(pid);
        if (h.isEmpty() || !h.get().isAlive()) {
            return true;
        }
        // The id may have been reused by an unrelated process since: then the start times differ.
        String start = rec.get().getProperty("start");
        Optional<Instant> running = h.get().info().startInstant();
        return start != null && running.isPresent() && !running.get().toString().equals(start);
    }

    private static Optional<Properties> read(Path record) {
        if (!Files.isRegularFile(record, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        try {
            if (Files.size(record) > 4096) {
                return Optional.empty();
            }
            Properties p = new Properties();
            p.load(new java.io.StringReader(Files.readString(record, StandardCharsets.UTF_8)));
            return Optional.of(p);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
