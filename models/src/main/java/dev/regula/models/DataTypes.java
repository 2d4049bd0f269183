package dev.regula.models;

import dev.regula.models.onnx.TensorProto;
import java.util.Locale;

/** Facts about every ONNX element type code, including those {@link ElemType} leaves out. */
final class DataTypes {
    private DataTypes() {
    }

    /** Lower-case ONNX spelling ({@code float}, {@code int64}, ...), or {@code type#N} for an unknown code. */
    static String name(int code) {
        TensorProto.DataType t = TensorProto.DataType.forNumber(code);
        return t == null ? "type#" + code : t.name().toLowerCase(Locale.ROOT);
    }

    /** Bits per element in {@code raw_data}, or 0 where there is no fixed size (strings, unknown codes). */
    static int bits(int code) {
        TensorProto.DataType t = TensorProto.DataType.forNumber(code);
        if (t == null) {
            return 0;
        }
        return switch (t) {
            case UINT4, INT4, FLOAT4E2M1 -> 4;
            case UINT8, INT8, BOOL, FLOAT8E4M3FN, FLOAT8E4M3FNUZ, FLOAT8E5M2, FLOAT8E5M2FNUZ -> 8;
            case UINT16, INT16, FLOAT16, BFLOAT16 -> 16;
            case FLOAT, INT32, UINT32 -> 32;
            case DOUBLE, INT64, UINT64, COMPLEX64 -> 64;
            case COMPLEX128 -> 128;
            case STRING, UNDEFINED -> 0;
        };
    }

    /** Bytes that {@code elements} values of this type take in {@code raw_data} (4-bit types pack two a byte). */
    static long rawBytes(int code, long elements) {
        int bits = bits(code);
        return bits == 0 ? -1 : (elements * bits + 7) / 8;
    }

    /**
     * How many entries the typed field that holds this type must have for {@code elements}
     * values, or -1 where the spec's packing rule is not checked here (4-bit types, unknown codes).
     */
    static long typedEntries(int code, long elements) {
        TensorProto.DataType t = TensorProto.DataType.forNumber(code);
        if (t == null) {
            return -1;
        }
        return switch (t) {
            case COMPLEX64, COMPLEX128 -> 2 * elements;
            case UINT4, INT4, FLOAT4E2M1, UNDEFINED -> -1;
            default -> elements;
        };
    }

    /** Number of entries in whichever typed data field the tensor uses (they are exclusive by spec). */
    static long typedCount(TensorProto t) {
        return (long) t.getFloatDataCount() + t.getInt32DataCount() + t.getStringDataCount()
                + t.getInt64DataCount() + t.getDoubleDataCount() + t.getUint64DataCount();
    }

    /** Bytes the tensor's data occupies inside the file (raw or typed), not counting external data. */
    static long inlineBytes(TensorProto t) {
        if (t.hasRawData()) {
            return t.getRawData().size();
        }
        long strings = 0;
        for (int i = 0; i < t.getStringDataCount(); i++) {
            strings += t.getStringData(i).size();
        }
        return 4L * t.getFloatDataCount() + 4L * t.getInt32DataCount() + 8L * t.getInt64DataCount()
                + 8L * t.getDoubleDataCount() + 8L * t.getUint64DataCount() + strings;
    }

    /** Product of the dims (1 for a scalar), or -1 when a dim is negative or the product overflows. */
    static long elementCount(TensorProto t) {
        long n = 1;
        for (long d : t.getDimsList()) {
            if (d < 0) {
                return -1;
            }
            try {
                n = Math.multiplyExact(n, d);
            } catch (ArithmeticException e) {
                return -1;
            }
        }
        return n;
    }
}
