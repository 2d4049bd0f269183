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

    private String run(Path dir, FakeTrainer trainer) throws Exception {
        JsonlTrialLog log = new JsonlTrialLog(dir.resolve("trials.jsonl"), dir.resolve("oof"), 2);
        TuneResult r = Tuner.tune(TuneFixtures.fakeRequest(train, val, space, spec, trainer, 27), log);
        return r.selection().toJson();
    }
}
