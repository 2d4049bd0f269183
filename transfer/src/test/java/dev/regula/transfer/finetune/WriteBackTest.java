package dev.regula.transfer.finetune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.regula.models.OnnxModel;
import dev.regula.models.Tensors;
import dev.regula.models.onnx.TensorProto;
import dev.regula.models.runtime.Tensor;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Trained parameters written back into the ONNX graph give, on ONNX Runtime, what the DJL forward gives. */
class WriteBackTest {
    private static final int B = 2;
    private static final int L = 5;
    private static final int H = TinyTransformer.HIDDEN;

    @Test
    void writtenBackModelRunsLikeTheTrainedInterpreter() throws Exception {
        OnnxModel model = TinyTransformer.build(7);
        float[] x = OnnxInterpreterTest.inputX(11);
        double[] target = new double[B * L * H];
        Random rnd = new Random(2);
        for (int i = 0; i < target.length; i++) {
            target[i] = rnd.nextGaussian();
        }
        try (NDManager root = Engine.getInstance().newBaseManager();
             OnnxInterpreter interp = OnnxInterpreter.create(model, InterpreterOptions.defaults(), root)) {
            try (NDManager batch = root.newSubManager()) {
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray y = forward(interp, batch, x);
                    gc.backward(y.sub(batch.create(target, y.getShape()).toType(y.getDataType(), false)).square().mean());
                }
                for (NDArray p : interp.parameters().values()) {
                    p.subi(p.getGradient().mul(0.5f));
                }
            }
            OnnxModel written = interp.writeBack(model);
            assertThat(written.proto().getGraph().getNodeList()).isEqualTo(model.proto().getGraph().getNodeList());
            assertThat(written.proto().getGraph().getInitializerCount()).isEqualTo(model.proto().getGraph().getInitializerCount());
            Map<String, TensorProto> before = new HashMap<>();
            model.proto().getGraph().getInitializerList().forEach(t -> before.put(t.getName(), t));
            int changed = 0;
            for (TensorProto t : written.proto().getGraph().getInitializerList()) {
                assertThat(t.getDimsList()).isEqualTo(before.get(t.getName()).getDimsList());
                if (!java.util.Arrays.equals(Tensors.toFloats(t), Tensors.toFloats(before.get(t.getName())))) {
                    changed++;
                }
            }
            assertThat(changed).as("initializers moved by the SGD step").isGreaterThanOrEqualTo(14);

            float[] djl;
            try (NDManager batch = root.newSubManager()) {
                djl = forward(interp, batch, x).toFloatArray();
            }
            Map<String, Tensor> in = Map.of("x", Tensor.ofFloats(x, B, L, H), "mask", Tensor.ofLongs(OnnxInterpreterTest.inputMask(), B, L));
            float[] ortNew = OnnxInterpreterTest.ort(written, in, "y");
            float[] ortOld = OnnxInterpreterTest.ort(model, in, "y");
            assertThat(OnnxInterpreterTest.maxAbsDiff(djl, ortNew)).isLessThanOrEqualTo(1e-5);
            assertThat(OnnxInterpreterTest.maxAbsDiff(djl, ortOld)).as("the step changed the outputs").isGreaterThan(1e-2);
        }
    }

    @Test
    void writeBackIntoAnotherGraphIsRefused() throws Exception {
        OnnxModel model = TinyTransformer.build(7);
        OnnxModel other = MoreOpsTest.build();
        try (NDManager root = Engine.getInstance().newBaseManager();
             OnnxInterpreter interp = OnnxInterpreter.create(model, InterpreterOptions.defaults(), root)) {
            assertThatThrownBy(() -> interp.writeBack(other)).isInstanceOf(InterpreterException.class)
                    .hasMessageContaining("has no initializer 'q.weight'");
        }
    }

    private static NDArray forward(OnnxInterpreter interp, NDManager batch, float[] x) throws InterpreterException {
        return interp.forward(batch, Map.of("x", batch.create(x, new Shape(B, L, H)),
                "mask", batch.create(OnnxInterpreterTest.inputMask(), new Shape(B, L)))).get("y");
    }
}
