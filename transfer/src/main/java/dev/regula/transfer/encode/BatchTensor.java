package dev.regula.transfer.encode;

import java.util.Arrays;

/**
 * One input tensor of a batch, in Java memory: row-major int64 or float32 values and a shape.
 * Exactly one of {@code longs} and {@code floats} is set.
 */
public record BatchTensor(long[] shape, long[] longs, float[] floats) {
    public BatchTensor {
        if ((longs == null) == (floats == null)) {
            throw new IllegalArgumentException("exactly one of longs and floats must be set");
        }
        long n = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        long have = longs != null ? longs.length : floats.length;
        if (n != have) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + n + " values, got " + have);
        }
    }

    public static BatchTensor ofLongs(long[] values, long... shape) {
        return new BatchTensor(shape, values, null);
    }

    public static BatchTensor ofFloats(float[] values, long... shape) {
        return new BatchTensor(shape, null, values);
    }
}
