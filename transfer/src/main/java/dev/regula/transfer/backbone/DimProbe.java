package dev.regula.transfer.backbone;

import dev.regula.models.ElemType;
import dev.regula.models.runtime.OrtRunner;
import dev.regula.models.runtime.RunnerException;
import dev.regula.models.runtime.RunnerOptions;
import dev.regula.models.runtime.Tensor;
import dev.regula.models.runtime.TensorSpec;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Finds the feature dimension of a model whose graph does not declare it, by running it once on a
 * one-example, one-token input (int64 inputs 0, masks 1, floats 0). Loading the model in ONNX
 * Runtime ({@link OrtRunner}, CPU) also proves the cut graph is valid.
 */
final class DimProbe {
    private DimProbe() {}

    static int probe(byte[] model, String source) throws BackboneException {
        try (OrtRunner runner = OrtRunner.open(model, RunnerOptions.defaults())) {
            Map<String, Tensor> feed = new HashMap<>();
            for (TensorSpec in : runner.inputs()) {
                long[] shape = in.shape().stream().mapToLong(d -> d > 0 ? d : 1).toArray();
                int n = (int) Arrays.stream(shape).reduce(1, (a, b) -> a * b);
                if (in.type() == ElemType.INT64) {
                    long[] v = new long[n];
                    Arrays.fill(v, in.name().contains("mask") ? 1 : 0);
                    feed.put(in.name(), Tensor.ofLongs(v, shape));
                } else if (in.type() == ElemType.FLOAT) {
                    feed.put(in.name(), Tensor.ofFloats(new float[n], shape));
                } else {
                    throw new BackboneException(source, "cannot probe the feature dimension through input '" + in.name()
                            + "' of type " + in.type() + "; declare the feature tensor's shape in the graph");
                }
            }
            Tensor out = runner.run(feed).get(runner.outputs().get(0).name());
            long[] shape = out.shape();
            if (shape.length != 2) {
                throw new BackboneException(source, "the feature model's output has shape " + Arrays.toString(shape)
                        + ", expected [batch, d]");
            }
            return Math.toIntExact(shape[1]);
        } catch (RunnerException e) {
            throw new BackboneException(source, "ONNX Runtime rejected the feature model: " + e.getMessage(), e);
        }
    }
}
