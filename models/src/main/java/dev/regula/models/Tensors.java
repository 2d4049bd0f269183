package dev.regula.models;

import com.google.protobuf.ByteString;
import dev.regula.models.onnx.TensorProto;
import dev.regula.models.onnx.TensorShapeProto;
import dev.regula.models.onnx.TypeProto;
import dev.regula.models.onnx.ValueInfoProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * Builds {@link TensorProto}s from Java arrays (data in {@code raw_data}, little-endian, as the
 * ONNX spec requires) and reads float/int64 tensors back, whichever field the producer used.
 */
public final class Tensors {
    private Tensors() {
    }

    /** A float tensor; {@code dims} empty means a scalar. */
    public static TensorProto floats(String name, float[] data, long... dims) {
        Objects.requireNonNull(data, "data");
        checkDims(name, data.length, dims);
        ByteBuffer buf = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(data);
        return raw(name, ElemType.FLOAT, buf, dims);
    }

    /** An int64 tensor; {@code dims} empty means a scalar. */
    public static TensorProto longs(String name, long[] data, long... dims) {
        Objects.requireNonNull(data, "data");
        checkDims(name, data.length, dims);
        ByteBuffer buf = ByteBuffer.allocate(data.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        buf.asLongBuffer().put(data);
        return raw(name, ElemType.INT64, buf, dims);
    }

    /** An int32 tensor; {@code dims} empty means a scalar. */
    public static TensorProto ints(String name, int[] data, long... dims) {
        Objects.requireNonNull(data, "data");
        checkDims(name, data.length, dims);
        ByteBuffer buf = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buf.asIntBuffer().put(data);
        return raw(name, ElemType.INT32, buf, dims);
    }

    /** A row-major {@code [rows, cols]} float tensor; refuses ragged rows. */
    public static TensorProto matrix(String name, float[][] rows) {
        Objects.requireNonNull(rows, "rows");
        if (rows.length == 0) {
            throw new IllegalArgumentException("Matrix '" + name + "' has no rows, expected at least one");
        }
        int cols = rows[0].length;
        float[] flat = new float[rows.length * cols];
        for (int r = 0; r < rows.length; r++) {
            if (rows[r].length != cols) {
                throw new IllegalArgumentException("Matrix '" + name + "' is ragged: row " + r + " has "
                        + rows[r].length + " values, expected " + cols + " like row 0");
            }
            System.arraycopy(rows[r], 0, flat, r * cols, cols);
        }
        return floats(name, flat, rows.length, cols);
    }

    /** The values of a FLOAT tensor, from {@code raw_data} or {@code float_data}. */
    public static float[] toFloats(TensorProto t) {
        requireType(t, ElemType.FLOAT);
        if (t.hasRawData()) {
            ByteBuffer buf = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            float[] out = new float[buf.remaining() / 4];
            buf.asFloatBuffer().get(out);
            return out;
        }
        float[] out = new float[t.getFloatDataCount()];
        for (int i = 0; i < out.length; i++) {
            out[i] = t.getFloatData(i);
        }
        return out;
    }

    /** The values of an INT64 tensor, from {@code raw_data} or {@code int64_data}. */
    public static long[] toLongs(TensorProto t) {
        requireType(t, ElemType.INT64);
        if (t.hasRawData()) {
            ByteBuffer buf = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            long[] out = new long[buf.remaining() / 8];
            buf.asLongBuffer().get(out);
            return out;
        }
        return t.getInt64DataList().stream().mapToLong(Long::longValue).toArray();
    }

    /**
     * A tensor value info. Each dim is a {@link Long}/{@link Integer} (fixed size, >= 0) or a
     * {@link String} (symbolic size); a {@code null} type leaves the element type unset.
     */
    public static ValueInfoProto valueInfo(String name, ElemType type, Object... dims) {
        TypeProto.Tensor.Builder tt = TypeProto.Tensor.newBuilder();
        if (type != null) {
            tt.setElemType(type.code());
        }
        if (dims != null) {
            TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
            for (int i = 0; i < dims.length; i++) {
                shape.addDim(dim(name, i, dims[i]));
            }
            tt.setShape(shape);
        }
        return ValueInfoProto.newBuilder().setName(name)
                .setType(TypeProto.newBuilder().setTensorType(tt)).build();
    }

    /**
     * A tensor value info of element type {@code elemType} (0: unset) and the given rank with
     * every dim unknown (neither value nor name), or no shape when {@code rank} is negative.
     */
    static ValueInfoProto valueInfoOfRank(String name, int elemType, int rank) {
        TypeProto.Tensor.Builder tt = TypeProto.Tensor.newBuilder();
        if (elemType != 0) {
            tt.setElemType(elemType);
        }
        if (rank >= 0) {
            TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
            for (int i = 0; i < rank; i++) {
                shape.addDim(TensorShapeProto.Dimension.getDefaultInstance());
            }
            tt.setShape(shape);
        }
        return ValueInfoProto.newBuilder().setName(name)
                .setType(TypeProto.newBuilder().setTensorType(tt)).build();
    }

    private static TensorShapeProto.Dimension dim(String name, int i, Object d) {
        if (d instanceof Long || d instanceof Integer) {
            long v = ((Number) d).longValue();
            if (v < 0) {
                throw new IllegalArgumentException("Dim " + i + " of '" + name + "' is " + v
                        + ", expected a size >= 0 or a symbolic name");
            }
            return TensorShapeProto.Dimension.newBuilder().setDimValue(v).build();
        }
        if (d instanceof String s && !s.isBlank()) {
            return TensorShapeProto.Dimension.newBuilder().setDimParam(s).build();
        }
        throw new IllegalArgumentException("Dim " + i + " of '" + name + "' is " + d
                + (d == null ? "" : " (" + d.getClass().getSimpleName() + ")")
                + ", expected a Long/Integer size or a non-blank String symbolic name");
    }

    private static TensorProto raw(String name, ElemType type, ByteBuffer buf, long[] dims) {
        buf.rewind();
        TensorProto.Builder b = TensorProto.newBuilder().setDataType(type.code())
                .setRawData(ByteString.copyFrom(buf));
        if (name != null) {
            b.setName(name);
        }
        for (long d : dims) {
            b.addDims(d);
        }
        return b.build();
    }

    private static void checkDims(String name, int length, long[] dims) {
        Objects.requireNonNull(dims, "dims");
        long n = 1;
        for (long d : dims) {
            if (d < 0) {
                throw new IllegalArgumentException("Tensor '" + name + "' has dims " + Arrays.toString(dims)
                        + ", expected every dim >= 0");
            }
            n = Math.multiplyExact(n, d);
        }
        if (n != length) {
            throw new IllegalArgumentException("Tensor '" + name + "' has dims " + Arrays.toString(dims)
                    + " (" + n + " elements) but " + length + " values were given");
        }
    }

    private static void requireType(TensorProto t, ElemType expected) {
        if (t.getDataType() != expected.code()) {
            throw new IllegalArgumentException("Tensor '" + t.getName() + "' has data type "
                    + TensorProto.DataType.forNumber(t.getDataType()) + ", expected " + expected);
        }
        if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            throw new IllegalArgumentException("Tensor '" + t.getName()
                    + "' keeps its data in an external file; load the external data first");
        }
    }
}
