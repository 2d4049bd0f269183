package dev.regula.models;

import dev.regula.models.onnx.TensorProto;

/** ONNX tensor element types that Regula names in its API, with their {@code TensorProto.DataType} codes. */
public enum ElemType {
    FLOAT(TensorProto.DataType.FLOAT, 4),
    DOUBLE(TensorProto.DataType.DOUBLE, 8),
    INT64(TensorProto.DataType.INT64, 8),
    INT32(TensorProto.DataType.INT32, 4),
    INT8(TensorProto.DataType.INT8, 1),
    UINT8(TensorProto.DataType.UINT8, 1),
    BOOL(TensorProto.DataType.BOOL, 1),
    FLOAT16(TensorProto.DataType.FLOAT16, 2),
    STRING(TensorProto.DataType.STRING, 0);

    private final TensorProto.DataType dataType;
    private final int byteSize;

    ElemType(TensorProto.DataType dataType, int byteSize) {
        this.dataType = dataType;
        this.byteSize = byteSize;
    }

    public TensorProto.DataType dataType() {
        return dataType;
    }

    public int code() {
        return dataType.getNumber();
    }

    /** Bytes per element in {@code raw_data}; 0 for strings. */
    public int byteSize() {
        return byteSize;
    }

    /** Lower-case ONNX spelling, as in {@code tensor(float)}. */
    public String onnxName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static ElemType fromCode(int code) {
        for (ElemType t : values()) {
            if (t.code() == code) {
                return t;
            }
        }
        throw new IllegalArgumentException("Unsupported ONNX element type code " + code
                + ", expected one of " + java.util.Arrays.toString(values()));
    }
}
