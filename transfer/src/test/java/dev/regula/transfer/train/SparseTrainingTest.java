package dev.regula.transfer.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.regula.transfer.features.FeatureMatrix;
import dev.regula.transfer.features.SparseRows;
import dev.regula.transfer.head.HeadActivation;
import dev.regula.transfer.head.HeadSpec;
import dev.regula.transfer.regularize.EarlyStoppingSpec;
import dev.regula.transfer.regularize.RegularizationSpec;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Heads trained on a matrix with a sparse block (per-batch densified, {@link BatchRows}) equal the same heads
 * trained on the same rows held dense, within 1e-5: linear and MLP, alone and in a stack, over a lexical-only and
 * a hybrid {@code [dense | sparse]} matrix; and their predictions agree.
 */
class SparseTrainingTest {
    private static final int CLASSES = 2;

    /** Sparse TF-IDF-like rows whose label depends on a few columns, so training moves the weights. */
    static FeatureMatrix lexical(long seed, int rows, int denseDim, int cols) {
        SplittableRandom r = new SplittableRandom(seed);
        SparseRows.Builder b = new SparseRows.Builder(cols);
        float[] dense = new float[rows * denseDim];
        int[] y = new int[rows];
        float[] row = new float[cols];
        for (int i = 0; i < rows; i++) {
            y[i] = r.nextInt(CLASSES);
            java.util.Arrays.fill(row, 0f);
            for (int k = 0; k < 12; k++) {
                row[r.nextInt(cols)] = (float) r.nextDouble(0.05, 0.4);
            }
            row[y[i] * 7 + r.nextInt(5)] = 0.8f;
            b.addDense(row);
            for (int d = 0; d < denseDim; d++) {
                dense[i * denseDim + d] = (float) (r.nextGaussian() + (d == 0 ? y[i] : 0));
            }
        }
        return FeatureMatrix.withSparse(FloatBuffer.wrap(dense), denseDim, b.build(), y);
    }

    private static List<HeadJob> jobs() {
        EarlyStoppingSpec es = new EarlyStoppingSpec(EarlyStoppingSpec.Metric.VAL_LOSS, 2, 0);
        return List.of(
                HeadJob.of(RegularizationSpec.builder().weightDecay(1e-3).earlyStopping(es).build(), TrainingSpec.adam(0.02, 64, 6, 1)),
                HeadJob.of(RegularizationSpec.builder().l2(1e-3).build(), TrainingSpec.adam(0.01, 64, 6, 2)));
    }

    private static void assertSame(String what, FeatureMatrix train, FeatureMatrix val, HeadSpec head) {
        assertThat(train.hasSparse()).isTrue();
        FeatureMatrix denseTrain = train.densified();
        FeatureMatrix denseVal = val.densified();
        assertThat(denseTrain.hasSparse()).isFalse();
        List<HeadJob> jobs = jobs();
        List<TrainedHead> sparse = StackedTrainer.train(train, val, CLASSES, head, 9, jobs);
        List<TrainedHead> dense = StackedTrainer.train(denseTrain, denseVal, CLASSES, head, 9, jobs);
        for (int k = 0; k < jobs.size(); k++) {
            StackedTrainerTest.assertClose(what + " stacked head " + k, sparse.get(k), dense.get(k));
        }
        TrainedHead alone = StackedTrainer.train(train, val, CLASSES, head, 9, List.of(jobs.get(1))).get(0);
        StackedTrainerTest.assertClose(what + " alone", alone, dense.get(1));
        // Not vacuous: training moved the weights away from their start.
        assertThat(StackedTrainerTest.maxDiff(sparse.get(0), sparse.get(1))).as(what + ": heads differ").isGreaterThan(1e-3);
        float[][] ps = sparse.get(0).predictProba(val);
        float[][] pd = dense.get(0).predictProba(denseVal);
        for (int i = 0; i < ps.length; i++) {
            for (int c = 0; c < CLASSES; c++) {
                assertThat((double) ps[i][c]).as(what + " proba row " + i).isCloseTo(pd[i][c], org.assertj.core.api.Assertions.within(1e-5));
            }
        }
    }

    @Test
    void linearHeadOnALexicalBlockEqualsTheDensePath() {
        assertSame("linear lexical", lexical(1, 300, 0, 3_000), lexical(2, 90, 0, 3_000), HeadSpec.linear());
    }

    @Test
    void mlpHeadOnAHybridMatrixEqualsTheDensePath() {
        assertSame("mlp hybrid", lexical(3, 300, 8, 3_000), lexical(4, 90, 8, 3_000), HeadSpec.mlp(HeadActivation.GELU, 16));
    }
}
