package dev.regula.transfer.features;

import java.nio.FloatBuffer;
import java.util.Objects;

/**
 * Features of one split: a row-major float32 matrix {@code [rows, dim]} and one label index per row.
 *
 * <p>The buffer may be a view of a memory-mapped file; callers must not write to it.
 *
 * @param data row-major features, {@code rows * dim} floats from position 0
 * @param rows number of examples
 * @param dim feature dimension
 * @param labels label index per row (into the store's label vocabulary); length {@code rows}
 */
public record FeatureMatrix(FloatBuffer data, int rows, int dim, int[] labels) {
    public FeatureMatrix {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(labels, "labels");
        if (rows < 0 || dim <= 0) {
            throw new IllegalArgumentException("rows must be >= 0 and dim > 0, got rows=" + rows + " dim=" + dim);
        }
        if (data.capacity() < (long) rows * dim) {
            throw new IllegalArgumentException("data holds " + data.capacity() + " floats, expected rows*dim = " + (long) rows * dim);
        }
        if (labels.length != rows) {
            throw new IllegalArgumentException("labels has " + labels.length + " entries, expected " + rows);
        }
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

    /** A copy of row {@code i}. */
    public float[] row(int i) {
        Objects.checkIndex(i, rows);
        float[] out = new float[dim];
        data.duplicate().position(i * dim).get(out);
        return out;
    }

    /** A copy of the whole matrix, row-major. */
    public float[] toArray() {
        float[] out = new float[rows * dim];
        data.duplicate().position(0).get(out);
        return out;
    }

    /** The rows at {@code indices}, copied into memory, in that order. */
    public FeatureMatrix select(int[] indices) {
        float[] out = new float[indices.length * dim];
        int[] y = new int[indices.length];
        FloatBuffer src = data.duplicate();
        for (int k = 0; k < indices.length; k++) {
            src.position(indices[k] * dim);
            src.get(out, k * dim, dim);
            y[k] = labels[indices[k]];
        }
        return new FeatureMatrix(FloatBuffer.wrap(out), indices.length, dim, y);
    }
}
