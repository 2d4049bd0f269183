package dev.regula.transfer.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.regula.transfer.features.FeatureMatrix;
import dev.regula.transfer.head.HeadActivation;
import dev.regula.transfer.head.HeadSpec;
import dev.regula.transfer.regularize.RegularizationSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class StackPlannerTest {

    @Test
    void stackSizeFollowsCacheAndMemory() {
        HeadSpec spam = HeadSpec.mlp(HeadActivation.RELU, 128, 64);
        // 57,730 parameters: 16 B each is 0.92 MB, so two cores' 16 MiB hold 18 heads.
        assertThat(StackPlanner.maxHeads(spam, 384, 2, 64, 2, 1L << 30)).isEqualTo(18);
        assertThat(StackPlanner.maxHeads(spam, 384, 2, 64, 8, 1L << 30)).isEqualTo(72);
        // Stacks of 8 pay even when one head's working set exceeds the cache share.
        assertThat(StackPlanner.maxHeads(HeadSpec.mlp(HeadActivation.RELU, 4096), 384, 2, 64, 1, 1L << 30)).isEqualTo(8);
        // Memory caps it: ~20 B per parameter and 24 B per activation of a batch.
        assertThat(StackPlanner.maxHeads(spam, 384, 2, 64, 2, 10L << 20)).isEqualTo(7);
        assertThat(StackPlanner.maxHeads(spam, 384, 2, 64, 2, 1L << 20)).isEqualTo(1);
    }

    @Test
    void headsGroupByKeyInOrderAndTrainInJobOrder() {
        TrainingSpec b16 = TrainingSpec.adam(0.01, 16, 2, 1);
        TrainingSpec b32 = TrainingSpec.adam(0.01, 32, 2, 2);
        RegularizationSpec none = RegularizationSpec.none();
        List<HeadJob> jobs = List.of(HeadJob.of(none, b16), HeadJob.of(none, b32), HeadJob.of(none, b16.withSeed(3)),
                HeadJob.of(none, b16.withSeed(4)), HeadJob.of(none, b32.withSeed(5)));
        assertThat(StackPlanner.plan(jobs, 2)).containsExactly(List.of(0, 2), List.of(3), List.of(1, 4));
        FeatureMatrix train = TestData.blobs(3, 80, 6, 2);
        List<TrainedHead> heads = StackPlanner.trainAll(train, null, 2, HeadSpec.linear(), jobs, 2);
        assertThat(heads).extracting(h -> h.training().seed()).containsExactly(1L, 2L, 3L, 4L, 5L);
        // A head alone in its stack is HeadTrainer's head, bit for bit.
        TrainedHead lone = HeadTrainer.train(train, null, 2, HeadSpec.linear(), none, b16.withSeed(4));
        assertThat(heads.get(3).layers().get(0).flatW()).containsExactly(lone.layers().get(0).flatW());
    }
}
