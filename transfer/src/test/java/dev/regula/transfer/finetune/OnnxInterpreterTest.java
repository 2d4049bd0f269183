package dev.regula.transfer.finetune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import dev.regula.models.runtime.OrtRunner;
import dev.regula.models.runtime.RunnerOptions;
import dev.regula.models.runtime.Tensor;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The interpreter against ONNX Runtime and against finite differences, on the tiny one-layer transformer. */
class OnnxInterpreterTest {
    private static final int BATCH = 2;
    private static final int SEQ = 5;

    static float[] inputX(long seed) {
        return TinyTransformer.gaussian(new Random(seed), BATCH * SEQ * TinyTransformer.HIDDEN, 1.0);
    }

    /** Row 0 attends to all 5 tokens, row 1 to the first 3 (the rest is padding). */
    static long[] inputMask() {
        return new long[] {1, 1, 1, 1, 1, 1, 1, 1, 0, 0};
    }

    static float[] ort(OnnxModel model, Map<String, Tensor> inputs, String output) throws Exception {
        try (OrtRunner runner = OrtRunner.open(model, RunnerOptions.defaults())) {
            return runner.run(inputs).get(output).floats();
        }
    }

    @Test
    void forwardMatchesOnnxRuntime() throws Exception {
        OnnxModel model = TinyTransformer.build(7);
        float[] x = inputX(11);
        float[] want = ort(model, Map.of("x", Tensor.ofFloats(x, BATCH, SEQ, TinyTransformer.HIDDEN),
                "mask", Tensor.ofLongs(inputMask(), BATCH, SEQ)), "y");
        try (NDManager root = Engine.getInstance().newBaseManager();
             OnnxInterpreter interp = OnnxInterpreter.create(model, InterpreterOptions.defaults(), root);
             NDManager batch = root.newSubManager()) {
            assertThat(interp.feeds()).containsExactly("x", "mask");
            assertThat(interp.parameters()).hasSize(16); // 6 linear layers x (weight, bias) + 2 LayerNorms x (weight, bias)
            Map<String, NDArray> out = interp.forward(batch, Map.of(
                    "x", batch.create(x, new Shape(BATCH, SEQ, TinyTransformer.HIDDEN)),
                    "mask", batch.create(inputMask(), new Shape(BATCH, SEQ))));
            NDArray y = out.get("y");
            assertThat(y.getShape()).isEqualTo(new Shape(BATCH, SEQ, TinyTransformer.HIDDEN));
            float[] got = y.toFloatArray();
            assertThat(maxAbsDiff(got, want)).isLessThanOrEqualTo(1e-5);
            // The mask matters: with every token attended, row 1 changes.
            Map<String, NDArray> open = interp.forward(batch, Map.of(
                    "x", batch.create(x, new Shape(BATCH, SEQ, TinyTransformer.HIDDEN)),
                    "mask", batch.ones(new Shape(BATCH, SEQ), DataType.INT64)));
            assertThat(maxAbsDiff(open.get("y").toFloatArray(), want)).isGreaterThan(1e-3);
        }
    }

    @Test
    void closingTheBatchKeepsTheParameters() throws Exception {
        OnnxModel model = TinyTransformer.build(7);
        try (NDManager root = Engine.getInstance().newBaseManager();
             OnnxInterpreter interp = OnnxInterpreter.create(model, InterpreterOptions.defaults(), root)) {
            for (int step = 0; step < 2; step++) {
                try (NDManager batch = root.newSubManager()) {
                    interp.forward(batch, Map.of("x", batch.create(inputX(11), new Shape(BATCH, SEQ, TinyTransformer.HIDDEN)),
                            "mask", batch.create(inputMask(), new Shape(BATCH, SEQ))));
                }
                for (NDArray p : interp.parameters().values()) {
                    assertThat(p.isReleased()).as(p.getName()).isFalse();
                }
            }
        }
    }

    /**
     * Autograd gradients of {@code sum(y * r)} against central differences, all in float64 so that
     * the difference quotient is exact to ~1e-9: truncation is O(h^2) = 1e-12 and rounding
     * ~1e-16 / h = 1e-10 per unit of loss (measured: at most 3e-9 apart). The bound 1e-7 + 1e-6 |fd|
     * leaves room for that; a wrong or missing path would be off by O(|grad|) ~ 0.1.
     */
    @Test
    void gradientsMatchFiniteDifferences() throws Exception {
        OnnxModel model = TinyTransformer.build(3);
        Random rnd = new Random(5);
        double[] weights = new double[BATCH * SEQ * TinyTransformer.HIDDEN];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = rnd.nextGaussian();
        }
        float[] x = inputX(13);
        InterpreterOptions f64 = InterpreterOptions.defaults().withFloatType(DataType.FLOAT64);
        try (NDManager root = Engine.getInstance().newBaseManager();
             OnnxInterpreter interp = OnnxInterpreter.create(model, f64, root)) {
            Map<String, double[]> grads = new java.util.LinkedHashMap<>();
            try (NDManager batch = root.newSubManager()) {
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray loss = loss(interp, batch, x, weights);
                    gc.backward(loss);
                }
                interp.parameters().forEach((name, p) -> grads.put(name, p.getGradient().toDoubleArray()));
            }
            double h = 1e-6;
            int checked = 0;
            for (Map.Entry<String, NDArray> e : interp.parameters().entrySet()) {
                NDArray p = e.getValue();
                long[] shape = p.getShape().getShape();
                double[] g = grads.get(e.getKey());
                for (int s = 0; s < 3; s++) {
                    int flat = rnd.nextInt(g.length);
                    NDIndex at = new NDIndex(unravel(flat, shape));
                    double v0 = p.toDoubleArray()[flat];
                    p.set(at, v0 + h);
                    double up = scalarLoss(interp, root, x, weights);
                    p.set(at, v0 - h);
                    double down = scalarLoss(interp, root, x, weights);
                    p.set(at, v0);
                    double fd = (up - down) / (2 * h);
                    assertThat(Math.abs(g[flat] - fd)).as("d loss / d %s[%d]: autograd %s, central difference %s", e.getKey(), flat, g[flat], fd)
                            .isLessThanOrEqualTo(1e-7 + 1e-6 * Math.abs(fd));
                    checked++;
                }
            }
            assertThat(checked).isEqualTo(48);
            // Not vacuous: most sampled gradients are far from zero.
            assertThat(grads.values().stream().flatMapToDouble(java.util.Arrays::stream).map(Math::abs).max().orElse(0)).isGreaterThan(0.1);
        }
    }

    private static NDArray loss(OnnxInterpreter interp, NDManager batch, float[] x, double[] weights) throws InterpreterException {
        NDArray y = interp.forward(batch, Map.of("x", batch.create(x, new Shape(BATCH, SEQ, TinyTransformer.HIDDEN)),
                "mask", batch.create(inputMask(), new Shape(BATCH, SEQ)))).get("y");
        assertThat(y.getDataType()).isEqualTo(DataType.FLOAT64);
        return y.mul(batch.create(weights, y.getShape())).sum();
    }

    private static double scalarLoss(OnnxInterpreter interp, NDManager root, float[] x, double[] weights) throws InterpreterException {
        try (NDManager batch = root.newSubManager()) {
            return loss(interp, batch, x, weights).getDouble();
        }
    }

    private static long[] unravel(int flat, long[] shape) {
        long[] idx = new long[shape.length];
        long rest = flat;
        for (int d = shape.length - 1; d >= 0; d--) {
            idx[d] = rest % shape[d];
            rest /= shape[d];
        }
        return idx;
    }

    @Test
    void unknownOpIsNamedWithItsNode() {
        GraphBuilder g = GraphBuilder.create("odd", 11);
        OnnxRef x = g.input("x", ElemType.FLOAT, 2L, 3L);
        OnnxRef s = g.sqrt(x);
        OnnxRef h = g.node("Hardmax", List.of(s), Map.of());
        g.output(h, "y", ElemType.FLOAT);
        OnnxModel model = g.build();
        try (NDManager root = Engine.getInstance().newBaseManager()) {
            assertThatThrownBy(() -> OnnxInterpreter.create(model, InterpreterOptions.defaults(), root))
                    .isInstanceOfSatisfying(UnsupportedOpException.class, e -> {
                        assertThat(e.opType()).isEqualTo("Hardmax");
                        assertThat(e.nodeName()).isEqualTo(model.proto().getGraph().getNode(1).getName());
                        assertThat(e.nodeIndex()).isEqualTo(1);
                        assertThat(e.getMessage()).contains("Hardmax", "node 1 '" + e.nodeName() + "'", "MatMul");
                    });
        }
    }

    @Test
    void missingFeedIsNamed() throws Exception {
        OnnxModel model = TinyTransformer.build(7);
        try (NDManager root = Engine.getInstance().newBaseManager();
             OnnxInterpreter interp = OnnxInterpreter.create(model, InterpreterOptions.defaults(), root);
             NDManager batch = root.newSubManager()) {
            assertThatThrownBy(() -> interp.forward(batch, Map.of("x", batch.zeros(new Shape(1, 2, 8)))))
                    .isInstanceOf(InterpreterException.class).hasMessageContaining("'mask'");
        }
    }

    static double maxAbsDiff(float[] a, float[] b) {
        assertThat(a).hasSameSizeAs(b);
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs((double) a[i] - b[i]));
        }
        return m;
    }
}
