package dev.regula.transfer.tune;

import static org.assertj.core.api.Assertions.assertThat;

import dev.regula.transfer.features.FeatureMatrix;
import dev.regula.transfer.train.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResumeAndDeterminismTest {
    private final FeatureMatrix train = TestData.blobs(1, 60, 3, 2);
    private final FeatureMatrix val = TestData.blobs(2, 30, 3, 2);
    private final SearchSpace space = SearchSpace.of(new SearchSpace.Dim(Knob.L2, new Range.LogUniform(1e-4, 1.0)));
    private final TuneSpec spec = TuneSpec.of(TuneSpec.Strategy.HALVING, 11).withTrials(12).withFolds(3).withRefit(false)
            .withThreads(2);

    @Test
    void sameSeedGivesIdenticalTrialBytesAndSelection(@TempDir Path dir) throws Exception {
        String first = run(dir.resolve("a"), new FakeTrainer());
        String second = run(dir.resolve("b"), new FakeTrainer());
        assertThat(Files.readString(dir.resolve("b/trials.jsonl"))).isEqualTo(Files.readString(dir.resolve("a/trials.jsonl")));
        assertThat(second).isEqualTo(first);
        TuneSpec other = new TuneSpec(spec.strategy(), spec.trials(), spec.folds(), spec.rule(), spec.refit(), spec.eta(),
                spec.minEpochs(), spec.gridPoints(), 12, spec.threads());
        assertThat(Tuner.configs(space, other)).isNotEqualTo(Tuner.configs(space, spec));
        assertThat(Tuner.configs(space, spec)).isEqualTo(Tuner.configs(space, spec));
    }

    @Test
    void resumeFromPartialLogGivesSameSelectionAndSkipsLoggedTrials(@TempDir Path dir) throws Exception {
        FakeTrainer full = new FakeTrainer();
        String expected = run(dir.resolve("full"), full);
        // A "killed" run: the first 5 appended trial-rungs of a fresh run, then a torn line.
        TrialLog.InMemory mem = TrialLog.inMemory();
        Tuner.tune(TuneFixtures.fakeRequest(train, val, space, spec, new FakeTrainer(), 27), mem);
        List<TrialResult> partial = mem.completed().stream()
                .sorted(java.util.Comparator.comparing(TrialResult::id)).limit(5).toList();
        Path resumeDir = dir.resolve("resume");
        JsonlTrialLog log = new JsonlTrialLog(resumeDir.resolve("trials.jsonl"), resumeDir.resolve("oof"), 2);
        for (TrialResult r : partial) {
            log.append(r);
        }
        Files.writeString(resumeDir.resolve("trials.jsonl"), "{\"id\":\"t-trunc", java.nio.file.StandardOpenOption.APPEND);
        FakeTrainer resumed = new FakeTrainer();
        String got = run(resumeDir, resumed);
        assertThat(got).isEqualTo(expected);
        assertThat(Files.readString(resumeDir.resolve("trials.jsonl")))
                .isEqualTo(Files.readString(dir.resolve("full/trials.jsonl")));
        assertThat(resumed.jobs.get()).isEqualTo(full.jobs.get() - 5 * spec.folds());
    }

    /**
     * The default trainer trains trials in stacks and halving drops the stopped ones from them; a tune killed
     * after rung 0 (and one killed inside rung 0 or rung 1) resumes to the same trials.jsonl and selection
     * bytes as the uninterrupted run, because a resumed group replays its whole stack (see StackedRungs).
     */
    @Test
    void stackedTuneResumedAfterSomeRungsGivesSameBytes(@TempDir Path dir) throws Exception {
        FeatureMatrix tr = TestData.blobs(3, 80, 6, 2);
        FeatureMatrix va = TestData.blobs(4, 40, 6, 2);
        SearchSpace two = SearchSpace.of(new SearchSpace.Dim(Knob.L2, new Range.LogUniform(1e-4, 1.0)),
                new SearchSpace.Dim(Knob.WEIGHT_DECAY, new Range.LogUniform(1e-4, 0.1)));
        TuneSpec halving = TuneSpec.of(TuneSpec.Strategy.HALVING, 5).withTrials(9).withFolds(2).withRefit(false).withThreads(2);
        java.util.function.Supplier<TuneRequest> request = () -> new TuneRequest(tr, va, null, 2,
                dev.regula.transfer.head.HeadSpec.mlp(dev.regula.transfer.head.HeadActivation.RELU, 6),
                dev.regula.transfer.regularize.RegularizationSpec.builder().l2(0.01).build(),
                dev.regula.transfer.train.TrainingSpec.adam(0.02, 16, 9, 3), two, halving, true, null);
        TrialLog.InMemory mem = TrialLog.inMemory();
        Tuner.tune(request.get(), mem);
        Path fullDir = dir.resolve("full");
        String expected = Tuner.tune(request.get(), new JsonlTrialLog(fullDir.resolve("trials.jsonl"), fullDir.resolve("oof"), 2))
                .selection().toJson();
        List<TrialResult> all = mem.completed().stream()
                .sorted(java.util.Comparator.comparing(TrialResult::rung).thenComparing(TrialResult::id)).toList();
        long rung0 = all.stream().filter(r -> r.rung() == 0).count();
        assertThat(all).as("halving ran more than one rung").anyMatch(r -> r.rung() > 0);
        for (long kept : new long[] {3, rung0, rung0 + 1}) {
            Path resumeDir = dir.resolve("resume" + kept);
            JsonlTrialLog log = new JsonlTrialLog(resumeDir.resolve("trials.jsonl"), resumeDir.resolve("oof"), 2);
            for (TrialResult r : all.subList(0, (int) kept)) {
                log.append(r);
            }
            String got = Tuner.tune(request.get(), new JsonlTrialLog(resumeDir.resolve("trials.jsonl"), resumeDir.resolve("oof"), 2))
                    .selection().toJson();
            assertThat(got).as("selection after resuming from %d records", kept).isEqualTo(expected);
            assertThat(Files.readString(resumeDir.resolve("trials.jsonl"))).as("trials after resuming from %d records", kept)
                    .isEqualTo(Files.readString(fullDir.resolve("trials.jsonl")));
        }
    }

    private String run(Path dir, FakeTrainer trainer) throws Exception {
        JsonlTrialLog log = new JsonlTrialLog(dir.resolve("trials.jsonl"), dir.resolve("oof"), 2);
        TuneResult r = Tuner.tune(TuneFixtures.fakeRequest(train, val, space, spec, trainer, 27), log);
        return r.selection().toJson();
    }
}
