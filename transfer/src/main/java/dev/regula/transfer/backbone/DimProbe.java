package dev.regula.transfer.backbone;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.NodeInfo;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Finds the feature dimension of a model whose graph does not declare it, by running it once on a
 * one-example, one-token input (int64 inputs 0, masks 1, floats 0). Loading the model in ONNX
 * Runtime also proves the cut graph is valid.
 */
final class DimProbe {
    private DimProbe() {}

    static int probe(byte[] model, String source) throws BackboneException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        Map<String, OnnxTensor> feed = new HashMap<>();
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
             OrtSession session = env.createSession(model, opts)) {
            for (NodeInfo in : session.getInputInfo().values()) {
                if (!(in.getInfo() instanceof TensorInfo t)) {
                    throw new BackboneException(source, "input '" + in.getName() + "' is not a tensor; cannot probe the feature dimension");
                }
                long[] shape = Arrays.stream(t.getShape()).map(d -> d > 0 ? d : 1).toArray();
                int n = (int) Arrays.stream(shape).reduce(1, (a, b) -> a * b);
                if (t.type == OnnxJavaType.INT64) {
                    long[] v = new long[n];
                    Arrays.fill(v, in.getName().contains("mask") ? 1 : 0);
                    feed.put(in.getName(), OnnxTensor.createTensor(env, LongBuffer.wrap(v), shape));
                } else if (t.type == OnnxJavaType.FLOAT) {
                    feed.put(in.getName(), OnnxTensor.createTensor(env, FloatBuffer.allocate(n), shape));
                } else {
                    throw new BackboneException(source, "cannot probe the feature dimension through input '" + in.getName()
                            + "' of type " + t.type + "; declare the feature tensor's shape in the graph");
                }
            }
            try (OrtSession.Result r = session.run(feed)) {
                OnnxValue v = r.get(0);
                long[] shape = ((TensorInfo) v.getInfo()).getShape();
                if (shape.length != 2) {
                    throw new BackboneException(source, "the feature model's output has shape " + Arrays.toString(shape)
                            + ", expected [batch, d]");
                }
                return Math.toIntExact(shape[1]);
            }
        } catch (OrtException e) {
            throw new BackboneException(source, "ONNX Runtime rejected the feature model: " + e.getMessage(), e);
        } finally {
            feed.values().forEach(OnnxTensor::close);
        }
    }
}
