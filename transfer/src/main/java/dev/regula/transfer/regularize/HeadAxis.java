package dev.regula.transfer.regularize;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * The head axis of a stack of K heads trained together. Every stacked array has the head as its
 * leading axis ({@code [K, ...]}), so one head's part is a contiguous block, and per-head values
 * broadcast against it as a column {@code [K, 1, 1]}.
 *
 * <p>A per-head sum reshapes to {@code [K, rest]} and reduces the second axis. For K = 1 that is
 * the same contiguous reduction as a plain {@code sum()}: libtorch gives bit-identical results
 * (checked for the shapes heads use), which is what keeps a one-head stack equal to the former
 * single-head trainer bit for bit.
 */
public final class HeadAxis {
    private HeadAxis() {}

    /** Per-head sums {@code [K]} of {@code a}, whose leading axis is the head (any shape when K = 1). */
    public static NDArray sums(NDArray a, int heads) {
        return a.reshape(new Shape(heads, -1)).sum(new int[] {1});
    }

    /** {@code values} as a float32 array {@code [K]} made by the engine in {@code like}'s manager, on its device. */
    public static NDArray vector(NDArray like, double[] values) {
        return of(like, values, new Shape(values.length));
    }

    /**
     * {@code values} as a float32 column {@code [K, 1, 1]}, broadcasting over stacked arrays of rank
     * 3; for one head a scalar, which broadcasts over anything (and may update it in place).
     */
    public static NDArray column(NDArray like, double[] values) {
        return of(like, values, values.length == 1 ? new Shape() : new Shape(values.length, 1, 1));
    }

    /**
     * Engine-allocated, as {@link GraphScalars} explains: the array may be an operand the backward
     * pass reads, so its memory must not belong to a Java buffer that could be freed first.
     */
    private static NDArray of(NDArray like, double[] values, Shape shape) {
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) values[i];
        }
        if (f.length == 1) {
            return like.getManager().full(shape, f[0], DataType.FLOAT32, like.getDevice());
        }
        try (NDArray java = like.getManager().create(f, shape)) {
            return java.duplicate().toDevice(like.getDevice(), false);
        }
    }

    /** {@code value} repeated {@code heads} times. */
    public static double[] repeat(double value, int heads) {
        double[] a = new double[heads];
        java.util.Arrays.fill(a, value);
        return a;
    }
}
