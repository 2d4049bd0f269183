package dev.regula.transfer.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.regula.transfer.features.FeatureMatrix;
import java.util.List;

/**
 * A split's rows as the trainer reads them, a batch at a time.
 *
 * <p>Dense features are uploaded to the engine once per {@link StackRun#advance} call and each batch is a row
 * gather on the device. Features with a sparse block (a lexical TF-IDF of 20,000 columns) are never uploaded
 * whole: each batch's rows are densified on the host ({@code batch × dim} floats, 5 MB for 64 × 20,000) and
 * copied in. The first layer then multiplies a dense batch, as on the dense path, so both paths feed the
 * network the same floats and train the same weights; only the memory differs (CSR instead of
 * {@code rows × dim × 4} bytes on the engine). Measured against a sparse-times-dense first layer, see
 * docs/pipeline.md ("Storage").
 */
abstract class BatchRows {
    private BatchRows() {}

    /** The rows of {@code m}; a dense matrix is uploaded with {@code manager}, which must outlive this. */
    static BatchRows of(NDManager manager, FeatureMatrix m) {
        return m.hasSparse() ? new Sparse(m) : new Dense(HeadTrainer.upload(manager, m));
    }

    /** Rows in the split. */
    abstract int rows();

    /** Arrays a batch manager must keep alive (attached temporarily while it works). */
    abstract List<NDArray> arrays();

    /** The rows {@code idx}, in that order, as an engine-allocated {@code [idx.length, dim]} array of {@code batch}. */
    abstract NDArray gather(NDManager batch, long[] idx);

    /** Rows {@code start .. start + n} as a {@code [n, dim]} array of {@code scope}. */
    abstract NDArray slice(NDManager scope, int start, int n);

    private static final class Dense extends BatchRows {
        private final NDArray all;

        Dense(NDArray all) {
            this.all = all;
        }

        @Override
        int rows() {
            return Math.toIntExact(all.getShape().get(0));
        }

        @Override
        List<NDArray> arrays() {
            return List.of(all);
        }

        @Override
        NDArray gather(NDManager batch, long[] idx) {
            // The gather's result is engine-allocated, so its alignment does not vary (see StackedNetwork.engineOwned).
            return all.get(new NDIndex("{}", batch.create(idx)));
        }

        @Override
        NDArray slice(NDManager scope, int start, int n) {
            return all.get(new NDIndex(start + ":" + (start + n)));
        }
    }

    private static final class Sparse extends BatchRows {
        private final FeatureMatrix m;

        Sparse(FeatureMatrix m) {
            this.m = m;
        }

        @Override
        int rows() {
            return m.rows();
        }

        @Override
        List<NDArray> arrays() {
            return List.of();
        }

        @Override
        NDArray gather(NDManager batch, long[] idx) {
            int[] rows = new int[idx.length];
            for (int i = 0; i < idx.length; i++) {
                rows[i] = Math.toIntExact(idx[i]);
            }
            float[] buf = new float[rows.length * m.dim()];
            m.rowsInto(rows, buf);
            return StackedNetwork.engineOwned(batch.create(buf, new Shape(rows.length, m.dim())));
        }

        @Override
        NDArray slice(NDManager scope, int start, int n) {
            float[] buf = new float[n * m.dim()];
            m.rangeInto(start, n, buf);
            return StackedNetwork.engineOwned(scope.create(buf, new Shape(n, m.dim())));
        }
    }
}
