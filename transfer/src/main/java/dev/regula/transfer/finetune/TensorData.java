package dev.regula.transfer.finetune;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.regula.models.Tensors;
import dev.regula.models.onnx.TensorProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Turns ONNX {@link TensorProto}s (initializers, Constant values) into interpreter values. */
final class TensorData {
    private TensorData() {
    }

    static long[] dims(TensorProto t) {
        return t.getDimsList().stream().mapToLong(Long::longValue).toArray();
    }

    /**
     * The tensor as a value: int64 on the Java heap, floats in {@code floatType} (so a float64 run
     * holds every float in double), other types as their own NDArray type.
     */
    static Value decode(TensorProto t, NDManager manager, DataType floatType) {
        if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            throw new IllegalArgumentException("tensor '" + t.getName() + "' keeps its data in an external file;"
                    + " expected the model's external data inlined first (OnnxModel.inlineExternalData)");
        }
        Shape shape = new Shape(dims(t));
        TensorProto.DataType type = TensorProto.DataType.forNumber(t.getDataType());
        if (type == null) {
            throw new IllegalArgumentException("tensor '" + t.getName() + "' has unknown data type " + t.getDataType());
        }
        switch (type) {
            case INT64:
                return new Value.Host(Tensors.toLongs(t), dims(t));
            case FLOAT: {
                NDArray a = manager.create(Tensors.toFloats(t), shape);
                return new Value.Dense(a.getDataType() == floatType ? a : a.toType(floatType, false));
            }
            case DOUBLE: {
                double[] d;
                if (t.hasRawData()) {
                    ByteBuffer b = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
                    d = new double[b.remaining() / 8];
                    b.asDoubleBuffer().get(d);
                } else {
                    d = t.getDoubleDataList().stream().mapToDouble(Double::doubleValue).toArray();
                }
                return new Value.Dense(manager.create(d, shape));
            }
            case INT32: {
                int[] d;
                if (t.hasRawData()) {
                    ByteBuffer b = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
                    d = new int[b.remaining() / 4];
                    b.asIntBuffer().get(d);
                } else {
                    d = t.getInt32DataList().stream().mapToInt(Integer::intValue).toArray();
                }
                return new Value.Dense(manager.create(d, shape));
            }
            case BOOL: {
                boolean[] d;
                if (t.hasRawData()) {
                    byte[] raw = t.getRawData().toByteArray();
                    d = new boolean[raw.length];
                    for (int i = 0; i < raw.length; i++) {
                        d[i] = raw[i] != 0;
                    }
                } else {
                    d = new boolean[t.getInt32DataCount()];
                    for (int i = 0; i < d.length; i++) {
                        d[i] = t.getInt32Data(i) != 0;
                    }
                }
                return new Value.Dense(manager.create(d, shape));
            }
            default:
                throw new IllegalArgumentException("tensor '" + t.getName() + "' has data type " + type
                        + ", expected FLOAT, DOUBLE, INT64, INT32 or BOOL");
        }
    }

    /** The NDArray type of ONNX element type {@code code}, floats mapped to {@code floatType}. */
    static DataType ndType(long code, DataType floatType) {
        TensorProto.DataType t = TensorProto.DataType.forNumber((int) code);
        if (t == null) {
            throw new IllegalArgumentException("unknown ONNX element type " + code);
        }
        return switch (t) {
            case FLOAT -> floatType;
            case DOUBLE -> DataType.FLOAT64;
            case FLOAT16 -> DataType.FLOAT16;
            case INT64 -> DataType.INT64;
            case INT32 -> DataType.INT32;
            case INT8 -> DataType.INT8;
            case UINT8 -> DataType.UINT8;
            case BOOL -> DataType.BOOLEAN;
            default -> throw new IllegalArgumentException("ONNX element type " + t
                    + " is not supported, expected FLOAT, DOUBLE, FLOAT16, INT64, INT32, INT8, UINT8 or BOOL");
        };
    }
}
