package dev.regula.transfer.features;

import java.nio.FloatBuffer;
import java.util.Objects;

/**
 * Features of one split and one label index per row. Row {@code i} is {@code [dense block | sparse block]}: a
 * row-major float32 block of {@link #denseDim()} columns, then, optionally, a {@link SparseRows} block of
 * {@code sparse().cols()} columns; {@link #dim()} is their sum. A plain matrix has no sparse block (neural
 * features); a lexical store's has no dense block; a hybrid one has both.
 *
 * <p>Code that reads every feature as one dense matrix ({@link #data()}) works unchanged on every kind: for a
 * matrix with a sparse block, {@code data()} densifies the whole matrix on first use (documented dense path,
 * {@code rows x dim x 4} bytes of heap). Code that must stay small reads rows through {@link #rowsInto} /
 * {@link #rangeInto} instead, which densify only the rows asked for (the trainer's per-batch path).
 *
 * <p>The dense buffer may be a view of a memory-mapped file; callers must not write to it.
 */
public final class FeatureMatrix {
    private final FloatBuffer dense;
    private final int denseDim;
    private final SparseRows sparse;
    private final int rows;
    private final int[] labels;
    private FloatBuffer densified;

    /**
     * A dense matrix.
     *
     * @param data row-major features, {@code rows * dim} floats from position 0
     * @param rows number of examples
     * @param dim feature dimension
     * @param labels label index per row (into the store's label vocabulary); length {@code rows}
     */
    public FeatureMatrix(FloatBuffer data, int rows, int dim, int[] labels) {
        this(data, rows, dim, null, labels);
        if (dim <= 0) {
            throw new IllegalArgumentException("rows must be >= 0 and dim > 0, got rows=" + rows + " dim=" + dim);
        }
    }

    private FeatureMatrix(FloatBuffer dense, int rows, int denseDim, SparseRows sparse, int[] labels) {
        Objects.requireNonNull(dense, "data");
        Objects.requireNonNull(labels, "labels");
        if (rows < 0 || denseDim < 0) {
            throw new IllegalArgumentException("rows must be >= 0 and dim > 0, got rows=" + rows + " dim=" + denseDim);
        }
        if (dense.capacity() < (long) rows * denseDim) {
            throw new IllegalArgumentException("data holds " + dense.capacity() + " floats, expected rows*dim = " + (long) rows * denseDim);
        }
        if (labels.length != rows) {
            throw new IllegalArgumentException("labels has " + labels.length + " entries, expected " + rows);
        }
        if (sparse != null && sparse.rows() != rows) {
            throw new IllegalArgumentException("sparse block has " + sparse.rows() + " rows, the matrix has " + rows);
        }
        this.dense = dense;
        this.denseDim = denseDim;
        this.sparse = sparse;
        this.rows = rows;
        this.labels = labels;
    }

    /**
     * A matrix whose rows are {@code [dense | sparse]}.
     *
     * @param dense row-major {@code [rows, denseDim]} from position 0; may be empty when {@code denseDim} is 0
     * @param denseDim columns of the dense block, 0 for a sparse-only matrix
     * @param sparse the sparse block, same row count
     * @param labels label index per row
     */
    public static FeatureMatrix withSparse(FloatBuffer dense, int denseDim, SparseRows sparse, int[] labels) {
        Objects.requireNonNull(sparse, "sparse");
        return new FeatureMatrix(dense == null ? FloatBuffer.allocate(0) : dense, sparse.rows(), denseDim, sparse, labels);
    }

    /** Wraps in-memory arrays. */
    public static FeatureMatrix of(float[][] x, int[] labels) {
        int dim = x.length == 0 ? 1 : x[0].length;
        float[] flat = new float[x.length * dim];
        for (int i = 0; i < x.length; i++) {
            if (x[i].length != dim) {
                throw new IllegalArgumentException("row " + i + " has " + x[i].length + " features, expected " + dim);
            }
            System.arraycopy(x[i], 0, flat, i * dim, dim);
        }
        return new FeatureMatrix(FloatBuffer.wrap(flat), x.length, dim, labels.clone());
    }

    /** Number of examples. */
    public int rows() {
        return rows;
    }

    /** Features per row: dense block plus sparse block. */
    public int dim() {
        return denseDim + (sparse == null ? 0 : sparse.cols());
    }

    /** Label index per row; callers must not write to it. */
    public int[] labels() {
        return labels;
    }

    /** Whether some columns are held sparsely. */
    public boolean hasSparse() {
        return sparse != null;
    }

    /** The sparse block, or null. */
    public SparseRows sparse() {
        return sparse;
    }

    /** Columns of the dense block (all of {@link #dim()} without a sparse block). */
    public int denseDim() {
        return denseDim;
    }

    /** The dense block alone, {@code [rows, denseDim]} row-major from position 0. */
    public FloatBuffer denseBlock() {
        return dense;
    }

    /**
     * The whole matrix as row-major {@code rows * dim} floats from position 0. Without a sparse block this is the
     * stored buffer (a memory map for an opened store); with one it is densified once, on first call, and kept.
     */
    public synchronized FloatBuffer data() {
        if (sparse == null) {
            return dense;
        }
        if (densified == null) {
            float[] out = new float[Math.multiplyExact(rows, dim())];
            for (int i = 0; i < rows; i++) {
                rowInto(i, out, i * dim());
            }
            densified = FloatBuffer.wrap(out).asReadOnlyBuffer();
        }
        return densified;
    }

    /** This matrix with every column dense (itself when it has no sparse block). */
    public FeatureMatrix densified() {
        return sparse == null ? this : new FeatureMatrix(data(), rows, dim(), labels);
    }

    /** A copy of row {@code i}. */
    public float[] row(int i) {
        Objects.checkIndex(i, rows);
        float[] out = new float[dim()];
        rowInto(i, out, 0);
        return out;
    }

    /** Writes row {@code i} densely to {@code out[at .. at + dim)}. */
    public void rowInto(int i, float[] out, int at) {
        if (denseDim > 0) {
            dense.duplicate().position(i * denseDim).get(out, at, denseDim);
        }
        if (sparse != null) {
            sparse.densifyRow(i, out, at + denseDim);
        }
    }

    /** Writes the rows {@code idx}, in that order, densely to {@code out} ({@code idx.length * dim} floats). */
    public void rowsInto(int[] idx, float[] out) {
        int d = dim();
        for (int k = 0; k < idx.length; k++) {
            rowInto(Objects.checkIndex(idx[k], rows), out, k * d);
        }
    }

    /** Writes rows {@code start .. start + n} densely to {@code out} ({@code n * dim} floats). */
    public void rangeInto(int start, int n, float[] out) {
        if (sparse == null) {
            dense.duplicate().position(start * denseDim).get(out, 0, n * denseDim);
            return;
        }
        int d = dim();
        for (int k = 0; k < n; k++) {
            rowInto(start + k, out, k * d);
        }
    }

    /** A copy of the whole matrix, row-major. */
    public float[] toArray() {
        float[] out = new float[rows * dim()];
        rangeInto(0, rows, out);
        return out;
    }

    /** The rows at {@code indices}, copied into memory, in that order; a sparse block stays sparse. */
    public FeatureMatrix select(int[] indices) {
        float[] out = new float[indices.length * denseDim];
        int[] y = new int[indices.length];
        FloatBuffer src = dense.duplicate();
        for (int k = 0; k < indices.length; k++) {
            if (denseDim > 0) {
                src.position(indices[k] * denseDim);
                src.get(out, k * denseDim, denseDim);
            }
            y[k] = labels[indices[k]];
        }
        return sparse == null ? new FeatureMatrix(FloatBuffer.wrap(out), indices.length, denseDim, y)
                : withSparse(FloatBuffer.wrap(out), denseDim, sparse.select(indices), y);
    }

    /** {@code a}'s rows, then {@code b}'s, copied into memory; the same layout (dense width, sparse width) is required. */
    public static FeatureMatrix concat(FeatureMatrix a, FeatureMatrix b) {
        boolean sameSparse = a.hasSparse() == b.hasSparse() && (!a.hasSparse() || a.sparse.cols() == b.sparse.cols());
        if (a.denseDim != b.denseDim || !sameSparse) {
            throw new IllegalArgumentException("cannot stack matrices of dim " + a.dim() + " (dense " + a.denseDim + ") and "
                    + b.dim() + " (dense " + b.denseDim + ")");
        }
        float[] data = new float[(a.rows + b.rows) * a.denseDim];
        a.dense.duplicate().position(0).get(data, 0, a.rows * a.denseDim);
        b.dense.duplicate().position(0).get(data, a.rows * a.denseDim, b.rows * b.denseDim);
        int[] y = new int[a.rows + b.rows];
        System.arraycopy(a.labels, 0, y, 0, a.rows);
        System.arraycopy(b.labels, 0, y, a.rows, b.rows);
        return a.sparse == null ? new FeatureMatrix(FloatBuffer.wrap(data), y.length, a.denseDim, y)
                : withSparse(FloatBuffer.wrap(data), a.denseDim, SparseRows.concat(a.sparse, b.sparse), y);
    }

    @Override
    public String toString() {
        return "FeatureMatrix[rows=" + rows + ", dim=" + dim() + (sparse == null ? "" : ", sparse " + sparse.cols()
                + " columns, " + sparse.nnz() + " non-zeros") + "]";
    }
}
