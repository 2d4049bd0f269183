package dev.regula.transfer.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.regula.transfer.features.FeatureMatrix;
import dev.regula.transfer.head.HeadActivation;
import dev.regula.transfer.head.HeadSpec;
import dev.regula.transfer.head.LayerWeights;
import dev.regula.transfer.regularize.ClassWeightsSpec;
import dev.regula.transfer.regularize.DropoutSpec;
import dev.regula.transfer.regularize.EarlyStoppingSpec;
import dev.regula.transfer.regularize.L2SpSpec;
import dev.regula.transfer.regularize.RegularizationSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleFunction;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * A head trained inside a stack equals the same head trained alone (a stack of one with the same
 * batch order, seed and settings) within 1e-5, for every regularizer, with heads of different
 * strengths, seeds and learning rates in one stack.
 */
class StackedTrainerTest {
    private static final FeatureMatrix TRAIN = TestData.blobs(61, 150, 24, 3);
    private static final FeatureMatrix VAL = TestData.blobs(62, 60, 24, 3);
    private static final HeadSpec MLP = HeadSpec.mlp(HeadActivation.GELU, 16, 8);
    private static final long ORDER = 77;

    private static RegularizationSpec.Builder reg() {
        return RegularizationSpec.builder();
    }

    static Stream<Arguments> kinds() {
        return Stream.of(
                kind("none", s -> reg().build()),
                kind("l1", s -> reg().l1(s * 1e-3).build()),
                kind("l2", s -> reg().l2(s * 1e-3).build()),
                kind("elastic net", s -> reg().elasticNet(s * 1e-3, 0.25 * s).build()),
                kind("weight decay", s -> reg().weightDecay(s * 0.05).build()),
                kind("l2-sp", s -> reg().l2Sp(L2SpSpec.towardInit(s * 1e-2)).build()),
                kind("max-norm", s -> reg().maxNorm(0.3 * s).build()),
                kind("include bias", s -> reg().l2(s * 1e-3).weightDecay(s * 0.01).includeBias(true).build()),
                kind("dropout", s -> reg().dropout(DropoutSpec.of(DropoutSpec.Kind.STANDARD, 0.1 * s, 0)).build()),
                kind("input dropout", s -> reg().dropout(DropoutSpec.of(DropoutSpec.Kind.STANDARD, 0, 0.05 * s)).build()),
                kind("gaussian dropout", s -> reg().dropout(DropoutSpec.of(DropoutSpec.Kind.GAUSSIAN, 0.1 * s, 0.05 * s)).build()),
                kind("mixed dropout kinds", s -> reg().dropout(DropoutSpec.of(
                        s == 1 ? DropoutSpec.Kind.NONE : s == 2 ? DropoutSpec.Kind.STANDARD : DropoutSpec.Kind.GAUSSIAN, 0.2, 0.1)).build()),
                kind("label smoothing", s -> reg().labelSmoothing(0.05 * s).build()),
                kind("class weights", s -> reg().classWeights(s == 2 ? null : ClassWeightsSpec.explicit(List.of(1.0, s, 0.5))).build()),
                kind("concrete dropout", s -> reg().dropout(new DropoutSpec(DropoutSpec.Kind.CONCRETE, 0.1 * s, 0.05 * s, 0.1,
                        1e-4 * s, 1e-3, null, null)).build()),
                kind("variational dropout", s -> reg().dropout(new DropoutSpec(DropoutSpec.Kind.VARIATIONAL, 0, 0, null, null, null,
                        2.0 + s, 0.5 * s)).build()));
    }

    private static Arguments kind(String name, DoubleFunction<RegularizationSpec> strength) {
        return Arguments.of(name, strength);
    }

    /** Three heads that differ in strength (1, 2, 3), seed and learning rate. */
    private static List<HeadJob> jobs(DoubleFunction<RegularizationSpec> strength, TrainingSpec base) {
        List<HeadJob> jobs = new ArrayList<>();
        for (int s = 1; s <= 3; s++) {
            jobs.add(HeadJob.of(strength.apply(s), base.withSeed(100 + s)).withLearningRateOf(base.learningRate() * (0.5 + 0.25 * s)));
        }
        return jobs;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void headInStackEqualsHeadAlone(String name, DoubleFunction<RegularizationSpec> strength) {
        List<HeadJob> jobs = jobs(strength, TrainingSpec.adam(0.01, 32, 5, 0));
        List<TrainedHead> stack = StackedTrainer.train(TRAIN, VAL, 3, MLP, ORDER, jobs);
        for (int k = 0; k < jobs.size(); k++) {
            TrainedHead alone = StackedTrainer.train(TRAIN, VAL, 3, MLP, ORDER, List.of(jobs.get(k))).get(0);
            assertClose(name + " head " + k, stack.get(k), alone);
        }
        // Not vacuous: the heads of the stack differ.
        assertThat(maxDiff(stack.get(0), stack.get(2))).as(name + ": heads 0 and 2 differ").isGreaterThan(1e-3);
    }

    @Test
    void earlyStoppingIsPerHeadAndAStoppedHeadKeepsItsBestEpoch() {
        FeatureMatrix train = TestData.noise(63, 120, 24, 2);
        FeatureMatrix val = TestData.noise(64, 60, 24, 2);
        List<HeadJob> jobs = new ArrayList<>();
        for (int p : new int[] {1, 3, 0}) {
            EarlyStoppingSpec es = p == 0 ? null : new EarlyStoppingSpec(EarlyStoppingSpec.Metric.VAL_LOSS, p, 0);
            jobs.add(HeadJob.of(reg().earlyStopping(es).build(), TrainingSpec.adam(0.02, 16, 15, 10 + p)));
        }
        List<TrainedHead> stack = StackedTrainer.train(train, val, 2, MLP, ORDER, jobs);
        for (int k = 0; k < jobs.size(); k++) {
            assertClose("head " + k, stack.get(k), StackedTrainer.train(train, val, 2, MLP, ORDER, List.of(jobs.get(k))).get(0));
        }
        assertThat(stack.get(0).history().stoppedEarly()).isTrue();
        assertThat(stack.get(0).history().epochs().size()).isLessThan(stack.get(1).history().epochs().size());
        assertThat(stack.get(0).history().bestEpoch()).isLessThan(stack.get(0).history().epochs().size());
        assertThat(stack.get(2).history().epochs()).hasSize(15);
    }

    @Test
    void sgdAndALinearHeadAndRowWeightsWithWatchRowsStackToo() {
        TrainingSpec sgd = TrainingSpec.adam(0.05, 16, 6, 0).withOptimizer(TrainingSpec.Optimizer.SGD, 0.9)
                .withSchedule(TrainingSpec.Schedule.COSINE, 3, 0, 0.1);
        EarlyStoppingSpec es = new EarlyStoppingSpec(EarlyStoppingSpec.Metric.VAL_ACCURACY, 2, 0);
        List<HeadJob> jobs = new ArrayList<>();
        java.util.SplittableRandom rng = new java.util.SplittableRandom(5);
        for (int b = 0; b < 4; b++) {
            int[] drawn = new int[TRAIN.rows()];
            for (int r = 0; r < drawn.length; r++) {
                drawn[r] = rng.nextInt(TRAIN.rows());
            }
            float[] counts = HeadJob.counts(drawn, TRAIN.rows());
            int[] oob = java.util.stream.IntStream.range(0, TRAIN.rows()).filter(r -> counts[r] == 0).toArray();
            jobs.add(HeadJob.of(reg().l2(1e-3 * b).earlyStopping(es).build(), sgd.withSeed(b)).withRowWeights(counts).withWatchRows(oob));
        }
        for (HeadSpec spec : List.of(HeadSpec.linear(), MLP)) {
            List<TrainedHead> stack = StackedTrainer.train(TRAIN, null, 3, spec, ORDER, jobs);
            for (int k = 0; k < jobs.size(); k++) {
                assertClose(spec.kind() + " bag " + k, stack.get(k), StackedTrainer.train(TRAIN, null, 3, spec, ORDER, List.of(jobs.get(k))).get(0));
            }
        }
    }

    @Test
    void aStackIsDeterministic() {
        List<HeadJob> jobs = jobs(s -> reg().dropout(DropoutSpec.of(DropoutSpec.Kind.STANDARD, 0.2, 0.1)).weightDecay(0.01 * s).build(),
                TrainingSpec.adam(0.01, 32, 3, 0));
        List<TrainedHead> a = StackedTrainer.train(TRAIN, VAL, 3, MLP, ORDER, jobs);
        List<TrainedHead> b = StackedTrainer.train(TRAIN, VAL, 3, MLP, ORDER, jobs);
        for (int k = 0; k < jobs.size(); k++) {
            for (int l = 0; l < a.get(k).layers().size(); l++) {
                assertThat(a.get(k).layers().get(l).flatW()).as("head %d layer %d", k, l).containsExactly(b.get(k).layers().get(l).flatW());
                assertThat(a.get(k).layers().get(l).b()).containsExactly(b.get(k).layers().get(l).b());
            }
        }
    }

    @Test
    void headsThatCannotShareAStackAreRefusedWithTheReason() {
        HeadJob a = HeadJob.of(reg().build(), TrainingSpec.adam(0.01, 32, 3, 1));
        HeadJob b = HeadJob.of(reg().build(), TrainingSpec.adam(0.01, 16, 3, 2));
        assertThatThrownBy(() -> StackedTrainer.train(TRAIN, VAL, 3, MLP, ORDER, List.of(a, b)))
                .hasMessageContaining("heads 0 and 1 cannot share a stack: batch_size: 32 vs 16");
        HeadJob c = HeadJob.of(reg().dropout(DropoutSpec.of(DropoutSpec.Kind.CONCRETE, 0.2, 0)).build(), TrainingSpec.adam(0.01, 32, 3, 2));
        assertThatThrownBy(() -> StackedTrainer.train(TRAIN, VAL, 3, MLP, ORDER, List.of(a, c)))
                .hasMessageContaining("dropout: mask vs concrete");
        assertThatThrownBy(() -> a.withRowWeights(new float[TRAIN.rows()])).hasMessageContaining("row weights are all 0");
        assertThatThrownBy(() -> StackedTrainer.train(TRAIN, VAL, 3, MLP, ORDER, List.of(a.withRowWeights(new float[] {1}))))
                .hasMessageContaining("row weights have 1 entries, expected one per training row (150)");
    }

    static void assertClose(String what, TrainedHead stacked, TrainedHead alone) {
        assertThat(stacked.history().epochs()).as(what + ": epochs run").hasSameSizeAs(alone.history().epochs());
        assertThat(stacked.history().bestEpoch()).as(what + ": best epoch").isEqualTo(alone.history().bestEpoch());
        assertThat(maxDiff(stacked, alone)).as(what + ": max |w_stack - w_alone|").isLessThanOrEqualTo(1e-5);
        assertThat(stacked.dropoutRates()).as(what + ": dropout rates").containsExactly(alone.dropoutRates(),
                org.assertj.core.api.Assertions.within(1e-5));
    }

    static double maxDiff(TrainedHead a, TrainedHead b) {
        double d = 0;
        for (int l = 0; l < a.layers().size(); l++) {
            LayerWeights x = a.layers().get(l);
            LayerWeights y = b.layers().get(l);
            float[] xw = x.flatW();
            float[] yw = y.flatW();
            for (int i = 0; i < xw.length; i++) {
                d = Math.max(d, Math.abs(xw[i] - yw[i]));
            }
            for (int i = 0; i < x.b().length; i++) {
                d = Math.max(d, Math.abs(x.b()[i] - y.b()[i]));
            }
        }
        return d;
    }
}
