package dev.regula.models.runtime;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.TensorInfo;
import dev.regula.models.ElemType;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;

/** Copies between {@link Tensor} (Java heap) and {@link OnnxTensor} (native). */
final class OrtTensors {
    private OrtTensors() {
    }

    /** A native copy of {@code t}; the caller closes it. */
    static OnnxTensor toOrt(OrtEnvironment env, Tensor t) throws OrtException {
        long[] shape = t.shape();
        Object data = t.rawData();
        return switch (t.type()) {
            case FLOAT -> OnnxTensor.createTensor(env, FloatBuffer.wrap((float[]) data), shape);
            case INT64 -> OnnxTensor.createTensor(env, LongBuffer.wrap((long[]) data), shape);
            case INT32 -> OnnxTensor.createTensor(env, IntBuffer.wrap((int[]) data), shape);
            case BOOL -> {
                boolean[] bools = (boolean[]) data;
                ByteBuffer bytes = ByteBuffer.allocate(bools.length);
                for (boolean b : bools) {
                    bytes.put((byte) (b ? 1 : 0));
                }
                bytes.flip();
                yield OnnxTensor.createTensor(env, bytes, shape, OnnxJavaType.BOOL);
            }
            default -> throw new IllegalStateException("unreachable: " + t.type());
        };
    }

    /** A heap copy of output {@code name}; the value itself stays owned by its result. */
    static Tensor fromOrt(Path file, String name, OnnxValue value) throws RunnerException {
        if (!(value instanceof OnnxTensor tensor)) {
            throw new OutputMismatchException(file, name, "Output '" + name + "' cannot be copied out",
                    "a tensor", value.getType().name().replace("ONNX_TYPE_", "").toLowerCase(java.util.Locale.ROOT));
        }
        TensorInfo info = tensor.getInfo();
        ElemType type = elemType(info);
        if (type == null || !Tensor.supports(type)) {
            throw new OutputMismatchException(file, name, "Output '" + name + "' has an element type Tensor does not hold",
                    Tensor.supportedTypes(), typeName(info));
        }
        long[] shape = info.getShape();
        Object data = switch (type) {
            case FLOAT -> {
                FloatBuffer b = tensor.getFloatBuffer();
                float[] a = new float[b.remaining()];
                b.get(a);
                yield a;
            }
            case INT64 -> {
                LongBuffer b = tensor.getLongBuffer();
                long[] a = new long[b.remaining()];
                b.get(a);
                yield a;
            }
            case INT32 -> {
                IntBuffer b = tensor.getIntBuffer();
                int[] a = new int[b.remaining()];
                b.get(a);
                yield a;
            }
            case BOOL -> {
                ByteBuffer b = tensor.getByteBuffer();
                boolean[] a = new boolean[b.remaining()];
                for (int i = 0; i < a.length; i++) {
                    a[i] = b.get() != 0;
                }
                yield a;
            }
            default -> throw new IllegalStateException("unreachable: " + type);
        };
        return Tensor.wrap(type, shape, data);
    }

    /** Regula's name for ONNX Runtime's element type, or null when Regula has none. */
    static ElemType elemType(TensorInfo info) {
        // ONNX Runtime's Java enum numbers its types its own way, so map by constant, not by code.
        return switch (info.onnxType) {
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT -> ElemType.FLOAT;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE -> ElemType.DOUBLE;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64 -> ElemType.INT64;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32 -> ElemType.INT32;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT8 -> ElemType.INT8;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT8 -> ElemType.UINT8;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_BOOL -> ElemType.BOOL;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16 -> ElemType.FLOAT16;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING -> ElemType.STRING;
            default -> null;
        };
    }

    /** ONNX Runtime's element type in ONNX's lower-case spelling, e.g. {@code uint16}. */
    static String typeName(TensorInfo info) {
        return info.onnxType.name().replace("ONNX_TENSOR_ELEMENT_DATA_TYPE_", "").toLowerCase(java.util.Locale.ROOT);
    }
}
