package dev.regula.pipeline.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.regula.pipeline.stage.Pipeline;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The work folder is Regula's only where Regula wrote it: stage folders without their stage's
 * manifest are refused, untouched; one run at a time holds the folder's lock, and a lock file left
 * by a dead process does not block; SIGTERM removes the running stage's staging and releases the lock.
 */
class WorkFolderSafetyTest {
    @TempDir
    static Path inputs;
    static Path spec;

    @TempDir
    Path dir;

    @BeforeAll
    static void writeInputs() throws Exception {
        TinyPipeline.writeInputs(inputs, 11);
        spec = TinyPipeline.writeSpec(inputs, TinyPipeline.spec());
    }

    private static RunResult run(Path work) throws Exception {
        return Pipeline.run(new RunRequest(spec, work, null, false, null));
    }

    @Test
    void aStageFolderOfTheUsersIsRefusedAndNothingIsTouched() throws Exception {
        Path work = dir.resolve("work");
        Files.createDirectories(work.resolve("train"));
        Files.writeString(work.resolve("train/notes.txt"), "mine");
        assertThatThrownBy(() -> run(work)).isInstanceOf(ForeignFolderException.class)
                .hasMessageContaining(work.resolve("train").toString())
                .hasMessageContaining("it has no manifest.json; expected the train stage's manifest.json")
                .satisfies(e -> assertThat(((ForeignFolderException) e).folder()).isEqualTo(work.resolve("train")));
        assertThat(work.resolve("train/notes.txt")).hasContent("mine");
        try (Stream<Path> s = Files.list(work)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("train", WorkLock.FILE);
        }
    }

    @Test
    void aStageFolderHoldingAnotherStagesManifestIsRefused() throws Exception {
        Path work = dir.resolve("work");
        run(work);
        // the user renamed folders around: export/ now holds the train stage's manifest
        Path export = work.resolve("export");
        dev.regula.models.Folders.deleteTree(export);
        Files.createDirectories(export);
        Files.copy(work.resolve("train/manifest.json"), export.resolve("manifest.json"));
        Files.writeString(export.resolve("model.onnx"), "the user's own");
        assertThatThrownBy(() -> run(work)).isInstanceOf(ForeignFolderException.class)
                .hasMessageContaining("its manifest.json is not that stage's (stage: train)");
        assertThat(export.resolve("model.onnx")).hasContent("the user's own");
    }

    @Test
    void aFileWhereAStageFolderGoesIsRefused() throws Exception {
        Path work = dir.resolve("work");
        Files.createDirectories(work);
        Files.writeString(work.resolve("import"), "not a folder");
        assertThatThrownBy(() -> run(work)).isInstanceOf(ForeignFolderException.class)
                .hasMessageContaining("it is not a folder");
        assertThat(work.resolve("import")).hasContent("not a folder");
    }

    @Test
    void aSecondRunOnTheSameWorkFolderRefusesAtOnceNamingTheHolder() throws Exception {
        Path work = dir.resolve("work");
        CountDownLatch blocked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<RunResult> first = pool.submit(() -> Pipeline.run(new RunRequest(spec, work, null, false, null,
                    (stage, staging) -> {
                        if (stage == StageName.FEATURES) {
                            blocked.countDown();
                            try {
                                release.await();
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        }
                    })));
            assertThat(blocked.await(120, TimeUnit.SECONDS)).isTrue();
            List<String> stagingBefore = list(work.resolve(StageFolders.STAGING));
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> run(work)).isInstanceOfSatisfying(WorkFolderLockedException.class, e -> {
                assertThat(e.pid()).isEqualTo(Long.toString(ProcessHandle.current().pid()));
                assertThat(e.host()).isNotBlank().isNotEqualTo("?");
                assertThat(e.started()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
                assertThat(e.getMessage()).contains(work.toString(), "in use by another run", "pid " + e.pid());
            });
            assertThat((System.nanoTime() - t0) / 1e9).as("refused at once").isLessThan(10);
            // the refusal did not weaken the lock (on Linux, closing any channel of the file would drop it):
            // another process is still refused, naming this one
            try (Child probe = Child.start(dir.resolve("probe.log"), LockProbeMain.class, work.toString())) {
                assertThat(probe.await("refused ")).isEqualTo("refused " + ProcessHandle.current().pid());
            }
            // the refused run cleared nothing: the first run's staging is still there, and it finishes
            assertThat(list(work.resolve(StageFolders.STAGING))).isEqualTo(stagingBefore).isNotEmpty();
            release.countDown();
            assertThat(first.get(300, TimeUnit.SECONDS).model()).exists();
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
        // released: the next run takes the lock and finds everything up to date
        assertThat(run(work).outcomes().values()).containsOnly(RunResult.Outcome.UP_TO_DATE);
    }

    @Test
    void aStaleLockFileFromADeadProcessDoesNotBlock() throws Exception {
        Path work = dir.resolve("work");
        Files.createDirectories(work);
        Files.writeString(work.resolve(WorkLock.FILE), "pid=2147483646\nhost=gone\nstarted=2020-01-01T00:00:00Z\n");
        assertThat(run(work).model()).exists();
        assertThat(Files.readString(work.resolve(WorkLock.FILE)))
                .contains("pid=" + ProcessHandle.current().pid(), "host=" + InetAddress.getLocalHost().getHostName())
                .doesNotContain("gone");
    }

    @Test
    void sigtermRemovesTheRunningStagesStagingReleasesTheLockAndExits143() throws Exception {
        Path work = dir.resolve("work");
        try (Child child = Child.start(dir.resolve("child.log"), BlockingRunMain.class, spec.toString(), work.toString(), "train")) {
            String blocked = child.await("blocked train ");
            assertThat(blocked).as("the child reached train's commit").isNotNull();
            Path staging = Path.of(blocked.substring("blocked train ".length()));
            assertThat(staging.resolve("manifest.json")).exists();
            // while the child holds the lock, a run here is refused and names the child
            assertThatThrownBy(() -> run(work)).isInstanceOfSatisfying(WorkFolderLockedException.class,
                    e -> assertThat(e.pid()).isEqualTo(Long.toString(child.pid())));

            assertThat(child.terminate()).as("exit status after SIGTERM").isEqualTo(Child.TERMINATED);
            assertThat(child.output()).contains("regula: interrupted",
                    "regula: train: removed its unfinished staging folder " + staging,
                    "regula: released the lock on " + work);
            assertThat(staging).doesNotExist();
            assertThat(list(work.resolve(StageFolders.STAGING))).isEmpty();
            assertThat(work.resolve("train")).doesNotExist();
        }
        // the lock is free, and the stages committed before the signal are kept
        RunResult resumed = run(work);
        assertThat(resumed.outcomes()).containsEntry(StageName.IMPORT, RunResult.Outcome.UP_TO_DATE)
                .containsEntry(StageName.FEATURES, RunResult.Outcome.UP_TO_DATE)
                .containsEntry(StageName.TRAIN, RunResult.Outcome.RAN);
    }

    private static List<String> list(Path folder) throws Exception {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
