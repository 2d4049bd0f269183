package dev.regula.transfer.regularize;

import com.google.protobuf.ByteString;
import dev.regula.models.onnx.ModelProto;
import dev.regula.models.onnx.TensorProto;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** Reads float initializers out of an ONNX file, as reference weights for L2-SP. */
public final class OnnxReferenceWeights {
    private static final int FLOAT = 1; // TensorProto.DataType.FLOAT
    private final Path file;
    private final ModelProto model;

    private OnnxReferenceWeights(Path file, ModelProto model) {
        this.file = file;
        this.model = model;
    }

    /** Parses {@code file}; fails with the file named if it is unreadable or not an ONNX model. */
    public static OnnxReferenceWeights open(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return new OnnxReferenceWeights(file, ModelProto.parseFrom(in));
        } catch (IOException e) {
            throw new IllegalArgumentException("l2_sp.model: cannot read ONNX model " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The initializer {@code name} as a row-major {@code [out, in]} matrix.
     *
     * @param transposed whether the tensor is stored {@code [in, out]}
     */
    public float[] matrix(String name, int out, int in, boolean transposed) {
        TensorProto t = model.getGraph().getInitializerList().stream()
                .filter(x -> x.getName().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("l2_sp.initializers: no initializer '" + name + "' in " + file
                        + ", it has " + model.getGraph().getInitializerList().stream().map(TensorProto::getName).limit(20).toList()));
        if (t.getDataType() != FLOAT) {
            throw new IllegalArgumentException("l2_sp.initializers: '" + name + "' in " + file + " has data_type "
                    + t.getDataType() + ", expected 1 (FLOAT)");
        }
        long[] expected = transposed ? new long[] {in, out} : new long[] {out, in};
        long[] dims = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
        if (!Arrays.equals(dims, expected)) {
            throw new IllegalArgumentException("l2_sp.initializers: '" + name + "' in " + file + " has shape "
                    + Arrays.toString(dims) + ", expected " + Arrays.toString(expected)
                    + (transposed ? " ([in, out], transposed: true)" : " ([out, in])"));
        }
        float[] data = values(t, name, out * in);
        if (!transposed) {
            return data;
        }
        float[] r = new float[out * in];
        for (int i = 0; i < in; i++) {
            for (int o = 0; o < out; o++) {
                r[o * in + i] = data[i * out + o];
            }
        }
        return r;
    }

    private float[] values(TensorProto t, String name, int n) {
        float[] data = new float[n];
        ByteString raw = t.getRawData();
        if (!raw.isEmpty()) {
            if (raw.size() != 4L * n) {
                throw new IllegalArgumentException("l2_sp.initializers: '" + name + "' in " + file + " has " + raw.size()
                        + " raw bytes, expected " + 4L * n);
            }
            FloatBuffer fb = raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
            fb.get(data);
            return data;
        }
        if (t.getFloatDataCount() != n) {
            throw new IllegalArgumentException("l2_sp.initializers: '" + name + "' in " + file + " has "
                    + t.getFloatDataCount() + " float_data values, expected " + n);
        }
        for (int i = 0; i < n; i++) {
            data[i] = t.getFloatData(i);
        }
        return data;
    }
}
