package dev.regula.transfer.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.regula.transfer.features.FeatureMatrix;
import dev.regula.transfer.head.HeadActivation;
import dev.regula.transfer.head.HeadSpec;
import dev.regula.transfer.regularize.DropoutSpec;
import dev.regula.transfer.regularize.EarlyStoppingSpec;
import dev.regula.transfer.regularize.RegularizationSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StackRunTest {

    /**
     * Halving continues rungs of stacks: a stack paused at epochs 2 and 5 and continued gives the bytes of
     * one uninterrupted stack, including heads that stop early and leave the stack between the pauses
     * (patience 1 on the noisiest head), and {@code results()} in between leaves the run as it was.
     */
    @Test
    void pausedStackEqualsUninterruptedStack() {
        FeatureMatrix train = TestData.blobs(14, 90, 12, 3);
        FeatureMatrix val = TestData.blobs(15, 45, 12, 3);
        HeadSpec mlp = HeadSpec.mlp(HeadActivation.RELU, 8);
        TrainingSpec base = TrainingSpec.adam(0.05, 16, 9, 0).withSchedule(TrainingSpec.Schedule.COSINE, 2, 1, 0.5);
        List<HeadJob> jobs = new ArrayList<>();
        for (int k = 0; k < 4; k++) {
            RegularizationSpec reg = RegularizationSpec.builder().dropout(DropoutSpec.of(DropoutSpec.Kind.STANDARD, 0.1 * k, 0))
                    .weightDecay(0.01 * k).earlyStopping(new EarlyStoppingSpec(EarlyStoppingSpec.Metric.VAL_LOSS, 1 + k, 0.0)).build();
            jobs.add(HeadJob.of(reg, base.withSeed(30 + k)));
        }
        List<TrainedHead> whole = StackedTrainer.train(train, val, 3, mlp, 5, jobs);
        assertThat(whole).as("some head stops early and leaves the stack, some trains on")
                .anyMatch(h -> h.history().stoppedEarly() && h.history().epochs().size() < 9)
                .anyMatch(h -> h.history().epochs().size() > 5);
        List<TrainedHead> continued;
        try (StackRun run = StackRun.start(train, val, 3, mlp, 5, jobs, StackListener.NONE)) {
            assertThat(run.advance(2)).isEqualTo(2);
            List<TrainedHead> atTwo = run.results();
            for (int k = 0; k < jobs.size(); k++) {
                assertThat(atTwo.get(k).history().epochs()).isEqualTo(whole.get(k).history().epochs().subList(0, 2));
            }
            run.advance(5);
            run.results();
            run.advance(100);
            assertThat(run.finished()).isTrue();
            continued = run.results();
        }
        for (int k = 0; k < jobs.size(); k++) {
            TrainedHead a = whole.get(k);
            TrainedHead b = continued.get(k);
            assertThat(b.history()).as("head %d", k).isEqualTo(a.history());
            for (int l = 0; l < a.layers().size(); l++) {
                assertThat(b.layers().get(l).flatW()).as("head %d layer %d", k, l).containsExactly(a.layers().get(l).flatW());
                assertThat(b.layers().get(l).b()).containsExactly(a.layers().get(l).b());
            }
        }
    }

    private static List<HeadJob> retainJobs() {
        TrainingSpec base = TrainingSpec.adam(0.05, 16, 8, 0).withSchedule(TrainingSpec.Schedule.COSINE, 2, 1, 0.5);
        List<HeadJob> jobs = new ArrayList<>();
        for (int k = 0; k < 4; k++) {
            RegularizationSpec reg = RegularizationSpec.builder().dropout(DropoutSpec.of(DropoutSpec.Kind.STANDARD, 0.1 * k, 0))
                    .weightDecay(0.01 * k).build();
            jobs.add(HeadJob.of(reg, base.withSeed(40 + k)));
        }
        return jobs;
    }

    private static List<TrainedHead> dropAfterThree(FeatureMatrix train, FeatureMatrix val, HeadSpec mlp, List<TrainedHead> atThree) {
        try (StackRun run = StackRun.start(train, val, 3, mlp, 7, retainJobs(), StackListener.NONE)) {
            run.advance(3);
            atThree.addAll(run.results());
            assertThat(run.retain(Set.of(0, 2))).isEqualTo(2);
            assertThat(run.finished(1)).isTrue();
            assertThat(run.finished(0)).isFalse();
            run.advance(8);
            assertThat(run.finished()).isTrue();
            return run.results();
        }
    }

    /**
     * Halving drops the trials it does not promote: a dropped head is frozen as it was, and the kept heads go on
     * as if the stack had held only them from the start (within 1e-5: the smaller stack orders sums
     * differently); the same seed and the same drops give the same bytes.
     */
    @Test
    void retainDropsHeadsBetweenEpochs() {
        FeatureMatrix train = TestData.blobs(16, 90, 12, 3);
        FeatureMatrix val = TestData.blobs(17, 45, 12, 3);
        HeadSpec mlp = HeadSpec.mlp(HeadActivation.RELU, 8);
        List<TrainedHead> atThree = new ArrayList<>();
        List<TrainedHead> after = dropAfterThree(train, val, mlp, atThree);
        for (int k : new int[] {1, 3}) {
            assertThat(after.get(k).history()).as("dropped head %d", k).isEqualTo(atThree.get(k).history());
            assertThat(after.get(k).history().epochs()).hasSize(3);
            for (int l = 0; l < atThree.get(k).layers().size(); l++) {
                assertThat(after.get(k).layers().get(l).flatW()).containsExactly(atThree.get(k).layers().get(l).flatW());
            }
        }
        List<HeadJob> all = retainJobs();
        List<TrainedHead> alone = StackedTrainer.train(train, val, 3, mlp, 7, List.of(all.get(0), all.get(2)));
        for (int j = 0; j < 2; j++) {
            TrainedHead a = alone.get(j);
            TrainedHead b = after.get(j * 2);
            assertThat(b.history().epochs()).hasSize(8);
            for (int l = 0; l < a.layers().size(); l++) {
                float[] wa = a.layers().get(l).flatW();
                float[] wb = b.layers().get(l).flatW();
                float maxDiff = 0;
                for (int i = 0; i < wa.length; i++) {
                    maxDiff = Math.max(maxDiff, Math.abs(wa[i] - wb[i]));
                }
                assertThat(maxDiff).as("kept head %d layer %d", j * 2, l).isLessThanOrEqualTo(1e-5f);
            }
        }
        List<TrainedHead> again = dropAfterThree(train, val, mlp, new ArrayList<>());
        for (int k = 0; k < 4; k++) {
            assertThat(again.get(k).history()).isEqualTo(after.get(k).history());
            for (int l = 0; l < after.get(k).layers().size(); l++) {
                assertThat(again.get(k).layers().get(l).flatW()).containsExactly(after.get(k).layers().get(l).flatW());
                assertThat(again.get(k).layers().get(l).b()).containsExactly(after.get(k).layers().get(l).b());
            }
        }
    }
}
