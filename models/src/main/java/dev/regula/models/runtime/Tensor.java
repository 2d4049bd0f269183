package dev.regula.models.runtime;

import dev.regula.models.ElemType;
import java.util.Arrays;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

/**
 * A dense tensor held in a plain Java array (row-major), never in native memory, so it outlives the
 * runner that produced it. Element types: {@code float}, {@code int64}, {@code int32}, {@code bool}.
 *
 * <p>Immutable: the factories copy the arrays they are given and the accessors return copies.
 * A final class rather than a record because a record's {@code equals} would compare arrays by
 * identity, and its public constructor could not take over freshly copied-out output arrays without
 * copying them a second time.
 */
public final class Tensor {
    private final ElemType type;
    private final long[] shape;
    private final Object data;

    private Tensor(ElemType type, long[] shape, Object data, int length) {
        this.type = type;
        this.shape = shape;
        this.data = data;
        long expected = elementCount(shape);
        if (expected != length) {
            throw new IllegalArgumentException("Tensor shape " + Arrays.toString(shape) + " holds " + expected
                    + " elements, but the " + type.onnxName() + " data has " + length);
        }
    }

    /** A float32 tensor; {@code shape} empty for a scalar. */
    public static Tensor ofFloats(float[] data, long... shape) {
        Objects.requireNonNull(data, "data");
        return new Tensor(ElemType.FLOAT, checkShape(shape), data.clone(), data.length);
    }

    /** An int64 tensor; {@code shape} empty for a scalar. */
    public static Tensor ofLongs(long[] data, long... shape) {
        Objects.requireNonNull(data, "data");
        return new Tensor(ElemType.INT64, checkShape(shape), data.clone(), data.length);
    }

    /** An int32 tensor; {@code shape} empty for a scalar. */
    public static Tensor ofInts(int[] data, long... shape) {
        Objects.requireNonNull(data, "data");
        return new Tensor(ElemType.INT32, checkShape(shape), data.clone(), data.length);
    }

    /** A bool tensor; {@code shape} empty for a scalar. */
    public static Tensor ofBooleans(boolean[] data, long... shape) {
        Objects.requireNonNull(data, "data");
        return new Tensor(ElemType.BOOL, checkShape(shape), data.clone(), data.length);
    }

    /**
     * A float32 matrix {@code [rows, cols]} from a rectangular array (e.g. a reference run's
     * probabilities). Zero rows give shape {@code [0, 0]}.
     *
     * @throws IllegalArgumentException when the rows differ in length
     */
    public static Tensor ofMatrix(float[][] rows) {
        Objects.requireNonNull(rows, "rows");
        if (rows.length > 0 && rows[0] == null) {
            throw new IllegalArgumentException("Matrix row 0 is null, expected an array of columns");
        }
        int cols = rows.length == 0 ? 0 : rows[0].length;
        float[] flat = new float[Math.multiplyExact(rows.length, cols)];
        for (int r = 0; r < rows.length; r++) {
            if (rows[r] == null || rows[r].length != cols) {
                throw new IllegalArgumentException("Matrix row " + r + (rows[r] == null ? " is null" : " has " + rows[r].length
                        + " columns") + ", expected " + cols + " columns like row 0");
            }
            System.arraycopy(rows[r], 0, flat, r * cols, cols);
        }
        return new Tensor(ElemType.FLOAT, new long[] {rows.length, cols}, flat, flat.length);
    }

    /** Takes ownership of a freshly allocated array without copying; for arrays nobody else holds. */
    static Tensor wrap(ElemType type, long[] shape, Object data) {
        long[] s = checkShape(shape);
        return switch (type) {
            case FLOAT -> new Tensor(type, s, data, ((float[]) data).length);
            case INT64 -> new Tensor(type, s, data, ((long[]) data).length);
            case INT32 -> new Tensor(type, s, data, ((int[]) data).length);
            case BOOL -> new Tensor(type, s, data, ((boolean[]) data).length);
            default -> throw new IllegalArgumentException("Tensor does not hold " + type.onnxName()
                    + " elements, only " + supportedTypes());
        };
    }

    /** Element types a {@code Tensor} can hold, for messages. */
    static String supportedTypes() {
        return "float, int64, int32, bool";
    }

    static boolean supports(ElemType type) {
        return type == ElemType.FLOAT || type == ElemType.INT64 || type == ElemType.INT32 || type == ElemType.BOOL;
    }

    public ElemType type() {
        return type;
    }

    /** A copy of the shape; empty for a scalar. */
    public long[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    /** Size of dimension {@code axis}. */
    public long dim(int axis) {
        return shape[axis];
    }

    /** Number of elements (1 for a scalar). */
    public int size() {
        return (int) elementCount(shape);
    }

    /** A copy of the data; only for {@code float} tensors. */
    public float[] floats() {
        return ((float[]) dataOf(ElemType.FLOAT)).clone();
    }

    /** A copy of the data; only for {@code int64} tensors. */
    public long[] longs() {
        return ((long[]) dataOf(ElemType.INT64)).clone();
    }

    /** A copy of the data; only for {@code int32} tensors. */
    public int[] ints() {
        return ((int[]) dataOf(ElemType.INT32)).clone();
    }

    /** A copy of the data; only for {@code bool} tensors. */
    public boolean[] booleans() {
        return ((boolean[]) dataOf(ElemType.BOOL)).clone();
    }

    /**
     * Element {@code i} in row-major order as a double ({@code true} is 1). Exact for every float,
     * int32 and bool, and for int64 values up to 2^53 in magnitude.
     */
    public double getDouble(int i) {
        return switch (type) {
            case FLOAT -> ((float[]) data)[i];
            case INT64 -> ((long[]) data)[i];
            case INT32 -> ((int[]) data)[i];
            case BOOL -> ((boolean[]) data)[i] ? 1 : 0;
            default -> throw new IllegalStateException("unreachable: " + type);
        };
    }

    /** The backing array itself, for package code that only reads it. */
    Object rawData() {
        return data;
    }

    private Object dataOf(ElemType wanted) {
        if (type != wanted) {
            throw new IllegalStateException("Tensor holds " + type.onnxName() + " elements, not " + wanted.onnxName());
        }
        return data;
    }

    /** Shape as ONNX tools print it, e.g. {@code [2, 3]}. */
    static String shapeString(long[] shape) {
        return LongStream.of(shape).mapToObj(Long::toString).collect(Collectors.joining(", ", "[", "]"));
    }

    private static long[] checkShape(long[] shape) {
        Objects.requireNonNull(shape, "shape");
        long[] copy = shape.clone();
        for (int i = 0; i < copy.length; i++) {
            if (copy[i] < 0) {
                throw new IllegalArgumentException("Tensor shape " + Arrays.toString(copy) + " has negative dimension "
                        + copy[i] + " at axis " + i + "; every dimension must be >= 0");
            }
        }
        return copy;
    }

    private static long elementCount(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("Tensor shape " + Arrays.toString(shape) + " holds " + n
                    + " elements, more than one Java array can");
        }
        return n;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Tensor t) || t.type != type || !Arrays.equals(t.shape, shape)) {
            return false;
        }
        return switch (type) {
            case FLOAT -> Arrays.equals((float[]) data, (float[]) t.data);
            case INT64 -> Arrays.equals((long[]) data, (long[]) t.data);
            case INT32 -> Arrays.equals((int[]) data, (int[]) t.data);
            default -> Arrays.equals((boolean[]) data, (boolean[]) t.data);
        };
    }

    @Override
    public int hashCode() {
        int h = 31 * type.hashCode() + Arrays.hashCode(shape);
        return 31 * h + switch (type) {
            case FLOAT -> Arrays.hashCode((float[]) data);
            case INT64 -> Arrays.hashCode((long[]) data);
            case INT32 -> Arrays.hashCode((int[]) data);
            default -> Arrays.hashCode((boolean[]) data);
        };
    }

    /** Type and shape only; the data can be large. */
    @Override
    public String toString() {
        return "Tensor(" + type.onnxName() + " " + shapeString(shape) + ")";
    }
}
