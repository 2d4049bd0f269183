package dev.regula.transfer.tune;

import static org.assertj.core.api.Assertions.assertThat;

import dev.regula.transfer.features.FeatureMatrix;
import dev.regula.transfer.features.SparseRows;
import java.nio.FloatBuffer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Cross-validation folds of a matrix with a sparse block stay sparse and hold the same rows as the dense folds. */
class SparseFoldsTest {
    private static FeatureMatrix hybrid(long seed, int rows) {
        SplittableRandom r = new SplittableRandom(seed);
        SparseRows.Builder b = new SparseRows.Builder(500);
        float[] dense = new float[rows * 3];
        int[] y = new int[rows];
        float[] row = new float[500];
        for (int i = 0; i < rows; i++) {
            java.util.Arrays.fill(row, 0f);
            for (int k = 0; k < 6; k++) {
                row[r.nextInt(500)] = (float) r.nextDouble();
            }
            b.addDense(row);
            for (int d = 0; d < 3; d++) {
                dense[i * 3 + d] = (float) r.nextGaussian();
            }
            y[i] = r.nextInt(2);
        }
        return FeatureMatrix.withSparse(FloatBuffer.wrap(dense), 3, b.build(), y);
    }

    @Test
    void stratifiedFoldsOfASparseMatrixEqualTheDenseFolds() {
        FeatureMatrix train = hybrid(1, 80);
        FeatureMatrix val = hybrid(2, 20);
        Folds sparse = Folds.stratified(train, val, 5, 7);
        Folds dense = Folds.stratified(train.densified(), val.densified(), 5, 7);
        assertThat(sparse.trainVal().hasSparse()).isTrue();
        assertThat(sparse.size()).isEqualTo(dense.size());
        for (int f = 0; f < sparse.size(); f++) {
            Folds.Fold s = sparse.fold(f);
            Folds.Fold d = dense.fold(f);
            assertThat(s.train().hasSparse()).isTrue();
            assertThat(s.train().toArray()).containsExactly(d.train().toArray());
            assertThat(s.val().toArray()).containsExactly(d.val().toArray());
            assertThat(s.train().labels()).containsExactly(d.train().labels());
            assertThat(s.valRows()).containsExactly(d.valRows());
        }
    }
}
