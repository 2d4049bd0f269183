package dev.regula.transfer.features;

import java.util.Arrays;
import java.util.Objects;

/**
 * A block of feature columns held sparsely, in compressed sparse row (CSR) form: row {@code i}'s non-zero
 * entries are {@code index[rowStart[i] .. rowStart[i+1])} (column, ascending) with {@code value} at the same
 * positions. TF-IDF rows are mostly zeros (a spam text touches a few hundred of 20,000 n-grams), so this holds
 * 8 bytes per non-zero instead of 4 per column.
 *
 * <p>Immutable once built: the arrays are owned, never handed out (callers get copies or densified rows).
 *
 * @param rows number of rows
 * @param cols number of columns of the block
 */
public final class SparseRows {
    private final int rows;
    private final int cols;
    private final int[] rowStart;
    private final int[] index;
    private final float[] value;

    /**
     * Wraps CSR arrays (owned from here on).
     *
     * @throws IllegalArgumentException naming the row when the arrays are not a valid CSR of {@code rows x cols}:
     *     {@code rowStart} of length rows + 1 starting at 0 and non-decreasing, columns ascending within a row and
     *     in {@code [0, cols)}
     */
    public SparseRows(int rows, int cols, int[] rowStart, int[] index, float[] value) {
        Objects.requireNonNull(rowStart, "rowStart");
        Objects.requireNonNull(index, "index");
        Objects.requireNonNull(value, "value");
        if (rows < 0 || cols <= 0) {
            throw new IllegalArgumentException("sparse block must have rows >= 0 and cols > 0, got rows=" + rows + " cols=" + cols);
        }
        if (rowStart.length != rows + 1 || rowStart[0] != 0) {
            throw new IllegalArgumentException("rowStart must have rows + 1 = " + (rows + 1) + " entries starting at 0, got "
                    + rowStart.length + (rowStart.length > 0 ? " starting at " + rowStart[0] : ""));
        }
        if (index.length != value.length || rowStart[rows] != index.length) {
            throw new IllegalArgumentException("sparse block has " + index.length + " column indices and " + value.length
                    + " values, rowStart ends at " + rowStart[rows] + "; all three must agree");
        }
        for (int i = 0; i < rows; i++) {
            if (rowStart[i + 1] < rowStart[i]) {
                throw new IllegalArgumentException("rowStart decreases at row " + i + ": " + rowStart[i] + " then " + rowStart[i + 1]);
            }
            for (int p = rowStart[i]; p < rowStart[i + 1]; p++) {
                int c = index[p];
                if (c < 0 || c >= cols || (p > rowStart[i] && c <= index[p - 1])) {
                    throw new IllegalArgumentException("row " + i + " has column " + c + " at position " + p
                            + "; expected strictly ascending columns in 0.." + (cols - 1));
                }
            }
        }
        this.rows = rows;
        this.cols = cols;
        this.rowStart = rowStart;
        this.index = index;
        this.value = value;
    }

    /** Appends rows one at a time, keeping only their non-zeros. */
    public static final class Builder {
        private final int cols;
        private int rows;
        private int[] rowStart = new int[16];
        private int[] index = new int[256];
        private float[] value = new float[256];

        public Builder(int cols) {
            if (cols <= 0) {
                throw new IllegalArgumentException("sparse block needs cols > 0, got " + cols);
            }
            this.cols = cols;
        }

        /** Adds a dense row of exactly {@code cols} values; its zeros (either sign) are dropped. */
        public Builder addDense(float[] row) {
            if (row.length != cols) {
                throw new IllegalArgumentException("row " + rows + " has " + row.length + " values, expected " + cols);
            }
            int at = rowStart[rows];
            for (int c = 0; c < cols; c++) {
                // -0.0 counts as zero too: both densify to +0.0, which a matmul treats alike.
                if (row[c] != 0f) {
                    if (at == index.length) {
                        index = Arrays.copyOf(index, at * 2);
                        value = Arrays.copyOf(value, at * 2);
                    }
                    index[at] = c;
                    value[at] = row[c];
                    at++;
                }
            }
            endRow(at);
            return this;
        }

        private void endRow(int at) {
            if (rows + 2 > rowStart.length) {
                rowStart = Arrays.copyOf(rowStart, rowStart.length * 2);
            }
            rows++;
            rowStart[rows] = at;
        }

        public SparseRows build() {
            int nnz = rowStart[rows];
            return new SparseRows(rows, cols, Arrays.copyOf(rowStart, rows + 1), Arrays.copyOf(index, nnz), Arrays.copyOf(value, nnz));
        }
    }

    /** The CSR of a dense row-major block {@code [rows, cols]} (from position 0 of {@code data}). */
    public static SparseRows fromDense(java.nio.FloatBuffer data, int rows, int cols) {
        Builder b = new Builder(cols);
        java.nio.FloatBuffer src = data.duplicate();
        src.position(0);
        float[] row = new float[cols];
        for (int i = 0; i < rows; i++) {
            src.get(row);
            b.addDense(row);
        }
        return b.build();
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    /** Stored non-zeros. */
    public int nnz() {
        return index.length;
    }

    /** Bytes of the CSR arrays: 4 per row start (rows + 1) and 8 per non-zero. */
    public long bytes() {
        return 4L * (rows + 1) + 8L * nnz();
    }

    /** Bytes the same block takes dense as float32. */
    public long denseBytes() {
        return 4L * rows * cols;
    }

    /**
     * Writes row {@code i} densely into {@code out[at .. at + cols)}: zeros everywhere, then the non-zeros. The
     * values are the stored floats, bit for bit, so a densified row equals the dense row it was built from.
     */
    public void densifyRow(int i, float[] out, int at) {
        Objects.checkIndex(i, rows);
        Arrays.fill(out, at, at + cols, 0f);
        for (int p = rowStart[i]; p < rowStart[i + 1]; p++) {
            out[at + index[p]] = value[p];
        }
    }

    /** The rows at {@code indices}, in that order, as a new block. */
    public SparseRows select(int[] indices) {
        int[] start = new int[indices.length + 1];
        for (int k = 0; k < indices.length; k++) {
            int i = Objects.checkIndex(indices[k], rows);
            start[k + 1] = start[k] + rowStart[i + 1] - rowStart[i];
        }
        int[] idx = new int[start[indices.length]];
        float[] val = new float[idx.length];
        for (int k = 0; k < indices.length; k++) {
            int i = indices[k];
            int n = rowStart[i + 1] - rowStart[i];
            System.arraycopy(index, rowStart[i], idx, start[k], n);
            System.arraycopy(value, rowStart[i], val, start[k], n);
        }
        return new SparseRows(indices.length, cols, start, idx, val);
    }

    /** {@code a}'s rows, then {@code b}'s; both with the same columns. */
    public static SparseRows concat(SparseRows a, SparseRows b) {
        if (a.cols != b.cols) {
            throw new IllegalArgumentException("cannot stack sparse blocks of " + a.cols + " and " + b.cols + " columns");
        }
        int[] start = new int[a.rows + b.rows + 1];
        System.arraycopy(a.rowStart, 0, start, 0, a.rows + 1);
        for (int i = 1; i <= b.rows; i++) {
            start[a.rows + i] = a.nnz() + b.rowStart[i];
        }
        int[] idx = Arrays.copyOf(a.index, a.nnz() + b.nnz());
        System.arraycopy(b.index, 0, idx, a.nnz(), b.nnz());
        float[] val = Arrays.copyOf(a.value, a.nnz() + b.nnz());
        System.arraycopy(b.value, 0, val, a.nnz(), b.nnz());
        return new SparseRows(a.rows + b.rows, a.cols, start, idx, val);
    }

    /** Copies of the CSR arrays, for writing. */
    int[] rowStartCopy() {
        return rowStart.clone();
    }

    int[] indexCopy() {
        return index.clone();
    }

    float[] valueCopy() {
        return value.clone();
    }
}
