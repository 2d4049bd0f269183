package dev.regula.transfer.finetune;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.regula.models.ElemType;
import dev.regula.models.GraphBuilder;
import dev.regula.models.OnnxModel;
import dev.regula.models.OnnxRef;
import dev.regula.models.Tensors;
import dev.regula.models.runtime.Tensor;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The ops other BERT exports use (Where, Expand, ConstantOfShape, Gather on float data with a
 * negative index) and the opset-13 input forms (Unsqueeze/Squeeze axes as inputs, Slice with
 * steps, per-axis Softmax), plus int64 arithmetic on shapes, against ONNX Runtime.
 */
class MoreOpsTest {
    private static final long[] IDS = {0, 4, -1, 2, 2, 1};
    private static final long[] FLAG = {1, 0, 1, 0, 0, 1};

    static OnnxModel build() {
        Random rnd = new Random(9);
        GraphBuilder g = GraphBuilder.create("more_ops", 13);
        OnnxRef ids = g.input("ids", ElemType.INT64, 2L, 3L);
        OnnxRef x = g.input("x", ElemType.FLOAT, 2L, 3L, 4L);
        OnnxRef flag = g.input("flag", ElemType.INT64, 2L, 3L, 1L);
        OnnxRef emb = g.initializer("emb", TinyTransformer.gaussian(rnd, 20, 1.0), 5, 4);
        OnnxRef e = g.add(g.gather(emb, ids, 0), x);
        OnnxRef shape = g.node("Shape", List.of(x), Map.of());
        OnnxRef half = g.node("ConstantOfShape", List.of(shape), Map.of("value", Tensors.floats(null, new float[] {0.5f}, 1)));
        OnnxRef picked = g.where(g.cast(flag, ElemType.BOOL), e, half);
        OnnxRef bias = g.initializer("bias", TinyTransformer.gaussian(rnd, 4, 1.0), 4);
        OnnxRef w = g.add(picked, g.node("Expand", List.of(bias, shape), Map.of()));
        OnnxRef s = g.squeeze(g.unsqueeze(w, 1), 1);
        OnnxRef sliced = g.node("Slice", List.of(s, longs(g, 0), longs(g, 4), longs(g, 2), longs(g, 2)), Map.of());
        OnnxRef soft = g.softmax(sliced, 1);
        OnnxRef r = g.reduceMean(soft, new long[] {2}, false);
        // [2, 3] * [3, 2] / [6, 1] = [1, 6], computed on the shape itself.
        OnnxRef sh = g.cast(g.node("Shape", List.of(r), Map.of()), ElemType.INT64);
        OnnxRef target = g.div(g.mul(sh, longs(g, 3, 2)), longs(g, 6, 1));
        OnnxRef y = g.node("Reshape", List.of(r, target), Map.of());
        g.output(y, "y", ElemType.FLOAT, 1L, 6L);
        return g.build();
    }

    private static OnnxRef longs(GraphBuilder g, long... v) {
        return g.node("Constant", List.of(), Map.of("value", Tensors.longs(null, v, v.length)));
    }

    @Test
    void matchesOnnxRuntime() throws Exception {
        OnnxModel model = build();
        float[] x = TinyTransformer.gaussian(new Random(4), 24, 1.0);
        float[] want = OnnxInterpreterTest.ort(model, Map.of("ids", Tensor.ofLongs(IDS, 2, 3), "x", Tensor.ofFloats(x, 2, 3, 4),
                "flag", Tensor.ofLongs(FLAG, 2, 3, 1)), "y");
        try (NDManager root = Engine.getInstance().newBaseManager();
             OnnxInterpreter interp = OnnxInterpreter.create(model, InterpreterOptions.defaults(), root);
             NDManager batch = root.newSubManager()) {
            NDArray y = interp.forward(batch, feeds(batch, x)).get("y");
            assertThat(y.getShape()).isEqualTo(new Shape(1, 6));
            assertThat(OnnxInterpreterTest.maxAbsDiff(y.toFloatArray(), want)).isLessThanOrEqualTo(1e-6);
        }
    }

    /** Gather's gradient accumulates over repeated indices (2 appears twice, -1 is row 4); rows never looked up (3) get none. */
    @Test
    void gatherGradientMatchesFiniteDifferences() throws Exception {
        OnnxModel model = build();
        float[] x = TinyTransformer.gaussian(new Random(4), 24, 1.0);
        double[] weights = {0.3, -1.2, 0.7, 2.0, -0.4, 1.1};
        InterpreterOptions f64 = InterpreterOptions.defaults().withFloatType(DataType.FLOAT64);
        try (NDManager root = Engine.getInstance().newBaseManager();
             OnnxInterpreter interp = OnnxInterpreter.create(model, f64, root)) {
            NDArray emb = interp.parameters().get("emb");
            double[] grad;
            try (NDManager batch = root.newSubManager()) {
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    gc.backward(loss(interp, batch, x, weights));
                }
                grad = emb.getGradient().toDoubleArray();
            }
            double h = 1e-6;
            double worst = 0;
            for (int i = 0; i < 20; i++) {
                NDIndex at = new NDIndex(i / 4, i % 4);
                double v0 = emb.toDoubleArray()[i];
                emb.set(at, v0 + h);
                double up = scalar(interp, root, x, weights);
                emb.set(at, v0 - h);
                double down = scalar(interp, root, x, weights);
                emb.set(at, v0);
                worst = Math.max(worst, Math.abs(grad[i] - (up - down) / (2 * h)));
            }
            assertThat(worst).isLessThanOrEqualTo(1e-7);
            for (int j = 0; j < 4; j++) {
                assertThat(grad[3 * 4 + j]).as("row 3 is never gathered").isZero();
            }
            assertThat(java.util.Arrays.stream(grad).map(Math::abs).max().orElse(0)).isGreaterThan(1e-3);
        }
    }

    private static Map<String, NDArray> feeds(NDManager batch, float[] x) {
        return Map.of("ids", batch.create(IDS, new Shape(2, 3)), "x", batch.create(x, new Shape(2, 3, 4)),
                "flag", batch.create(FLAG, new Shape(2, 3, 1)));
    }

    private static NDArray loss(OnnxInterpreter interp, NDManager batch, float[] x, double[] weights) throws InterpreterException {
        NDArray y = interp.forward(batch, feeds(batch, x)).get("y");
        return y.mul(batch.create(weights, y.getShape())).sum();
    }

    private static double scalar(OnnxInterpreter interp, NDManager root, float[] x, double[] weights) throws InterpreterException {
        try (NDManager batch = root.newSubManager()) {
            return loss(interp, batch, x, weights).getDouble();
        }
    }
}
