package dev.regula.pipeline.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.regula.pipeline.OptionName;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A standalone output's staging folder left by a writer killed with SIGKILL is removed by the next
 * write of the same output; the staging of a writer that still runs is never touched.
 */
class StaleStagingTest {
    @TempDir
    Path dir;

    /** Apart from {@link #dir}, whose listing the tests check. */
    @TempDir
    Path logs;

    private static void write(Path out, String content) throws Exception {
        OutputFolder.write(out, OptionName.OUT, "model.onnx", staging -> {
            Files.writeString(staging.resolve("model.onnx"), content);
            return null;
        });
    }

    @Test
    void theNextWriteRemovesTheStagingOfAWriterKilledWithSigkill() throws Exception {
        Path out = dir.resolve("out");
        write(out, "earlier");
        Path staging;
        try (Child child = Child.start(logs.resolve("child.log"), StagedOutputMain.class, out.toString())) {
            String writing = child.await("writing ");
            assertThat(writing).as("the child is writing").isNotNull();
            staging = Path.of(writing.substring("writing ".length()));
            assertThat(staging.resolve(StaleStaging.WRITER)).content().contains("pid=" + child.pid());
            assertThat(child.kill()).isEqualTo(Child.KILLED);
            assertThat(child.output()).as("no shutdown hook ran").doesNotContain("regula: interrupted");
        }
        assertThat(staging.resolve("model.onnx")).as("SIGKILL left the staging").hasContent("half");
        assertThat(out.resolve("model.onnx")).hasContent("earlier");

        write(out, "next");
        assertThat(staging).doesNotExist();
        assertThat(out.resolve("model.onnx")).hasContent("next");
        assertThat(out.resolve(StaleStaging.WRITER)).as("the record never becomes part of the output").doesNotExist();
        assertThat(siblings(dir)).containsExactly("out");
    }

    @Test
    void theStagingOfAWriterThatStillRunsIsKept() throws Exception {
        Path out = dir.resolve("out");
        try (Child child = Child.start(logs.resolve("child.log"), StagedOutputMain.class, out.toString())) {
            String writing = child.await("writing ");
            assertThat(writing).as("the child is writing").isNotNull();
            Path staging = Path.of(writing.substring("writing ".length()));
            // however old it looks: a long export is not stale
            Files.setLastModifiedTime(staging, FileTime.from(Instant.now().minus(Duration.ofDays(30))));

            write(out, "mine");
            assertThat(staging.resolve("model.onnx")).as("the live writer's staging").hasContent("half");
            assertThat(out.resolve("model.onnx")).hasContent("mine");
            assertThat(child.terminate()).isEqualTo(Child.TERMINATED);
        }
    }

    @Test
    void aStagingWithoutARecordIsRemovedOnlyOnceOld() throws Exception {
        Path out = dir.resolve("out");
        Path young = Files.createDirectory(dir.resolve(".out.staging-0123456789ab"));
        Path old = Files.createDirectory(dir.resolve(".out.staging-ba9876543210"));
        Files.writeString(old.resolve("model.onnx"), "half");
        Files.setLastModifiedTime(old, FileTime.from(Instant.now().minus(StaleStaging.UNRECORDED_AFTER).minusSeconds(60)));
        write(out, "new");
        assertThat(young).exists();
        assertThat(old).doesNotExist();
    }

    @Test
    void foldersNotNamedAsRegulasStagingAreNeverTouched() throws Exception {
        Path out = dir.resolve("out");
        Instant longAgo = Instant.now().minus(Duration.ofDays(30));
        List<Path> others = List.of(
                Files.createDirectory(dir.resolve(".out.staging-mine")),
                Files.createDirectory(dir.resolve(".out.staging-0123456789abX")),
                Files.createDirectory(dir.resolve(".other.staging-0123456789ab")),
                // the staging of an output named "out.staging-0123456789ab", not of "out"
                Files.createDirectory(dir.resolve(".out.staging-0123456789ab.staging-0123456789ab")));
        for (Path p : others) {
            Files.writeString(p.resolve(StaleStaging.WRITER), "pid=999999999\n");
            Files.setLastModifiedTime(p, FileTime.from(longAgo));
        }
        write(out, "new");
        assertThat(others).allMatch(Files::isDirectory);
    }

    @Test
    void aRecordOfAProcessThatIsGoneOrReusedIsAbandonedOneOfALiveProcessIsNot() throws Exception {
        Path s = Files.createDirectory(dir.resolve(".out.staging-0123456789ab"));
        ProcessHandle self = ProcessHandle.current();
        Files.writeString(s.resolve(StaleStaging.WRITER), "pid=" + self.pid() + "\nstart=" + self.info().startInstant().orElseThrow() + "\n");
        assertThat(StaleStaging.abandoned(s, Instant.now())).as("this process").isFalse();
        Files.writeString(s.resolve(StaleStaging.WRITER), "pid=" + self.pid() + "\nstart=2001-01-01T00:00:00Z\n");
        assertThat(StaleStaging.abandoned(s, Instant.now())).as("the id reused by another process").isTrue();
        Process ended = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-version")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        ended.waitFor();
        Files.writeString(s.resolve(StaleStaging.WRITER), "pid=" + ended.pid() + "\n");
        assertThat(StaleStaging.abandoned(s, Instant.now())).as("a process that has exited").isTrue();
        Files.writeString(s.resolve(StaleStaging.WRITER), "pid=not-a-number\n");
        assertThat(StaleStaging.abandoned(s, Instant.now())).as("an unreadable record is treated as live").isFalse();
    }

    private static List<String> siblings(Path parent) throws Exception {
        try (Stream<Path> s = Files.list(parent)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
