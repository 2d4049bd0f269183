package dev.regula.models.quant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.regula.models.Checker;
import dev.regula.models.ElemType;
import dev.regula.models.GraphBuilder;
import dev.regula.models.OnnxModel;
import dev.regula.models.OnnxRef;
import dev.regula.models.onnx.NodeProto;
import dev.regula.models.runtime.OrtRunner;
import dev.regula.models.runtime.RunnerOptions;
import dev.regula.models.runtime.Tensor;
import java.util.List;
import java.util.Map;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class SmoothingTest {
    @Test
    void scalesAndChannelMaximaByHand() {
        // a = [4, 1], w = [1, 4], alpha 0.5: s = [sqrt(4)/sqrt(1), sqrt(1)/sqrt(4)] = [2, 0.5]
        assertThat(Smoothing.scales(new float[] {4, 1}, new float[] {1, 4}, 0.5)).containsExactly(2f, 0.5f);
        // alpha 1: s = a; alpha 0: s = 1/w
        assertThat(Smoothing.scales(new float[] {4, 1}, new float[] {1, 4}, 1.0)).containsExactly(4f, 1f);
        assertThat(Smoothing.scales(new float[] {4, 1}, new float[] {1, 4}, 0.0)).containsExactly(1f, 0.25f);
        float[] max = new float[2];
        Smoothing.observe(max, new float[] {1, -3, -2, 0.5f}, "x"); // rows [1, -3], [-2, 0.5]
        assertThat(max).containsExactly(2f, 3f);
        assertThatThrownBy(() -> Smoothing.observe(max, new float[] {1, 2, 3}, "x"))
                .hasMessageContaining("'x'").hasMessageContaining("multiple of its 2 channels");
    }

    @Test
    void theSmoothedGraphComputesWhatTheOriginalDoes() throws Exception {
        OnnxModel fp32 = sharedInput();
        Map<String, float[]> absMax = Smoothing.channelAbsMax(fp32, TinyEncoder.batches(4, 4, 10, 1));
        assertThat(absMax).hasSize(2); // emb (read by both MatMuls) and h
        OnnxModel smoothed = Smoothing.smooth(fp32, absMax, 0.5);
        assertThat(Checker.problems(smoothed.proto())).isEmpty();
        assertThat(smoothed.proto().getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("Mul")))
                .as("one Mul per activation, shared by the MatMuls that read it").hasSize(2);
        Map<String, Tensor> feed = TinyEncoder.batches(1, 3, 7, 9).get(0);
        try (OrtRunner a = OrtRunner.open(fp32, RunnerOptions.defaults());
             OrtRunner b = OrtRunner.open(smoothed, RunnerOptions.defaults())) {
            float[] x = a.run(feed).get("out").floats();
            float[] y = b.run(feed).get("out").floats();
            for (int i = 0; i < x.length; i++) {
                assertThat(y[i]).as("output %d", i).isCloseTo(x[i], Offset.offset(1e-4f * (1 + Math.abs(x[i]))));
            }
        }
        assertThatThrownBy(() -> Smoothing.smooth(fp32, absMax, 1.5)).hasMessageContaining("got 1.5");
        String emb = absMax.keySet().iterator().next();
        assertThatThrownBy(() -> Smoothing.smooth(fp32, Map.of(emb, new float[3]), 0.5))
                .hasMessageContaining("'" + emb + "'").hasMessageContaining("expected " + TinyEncoder.K);
    }

    @Test
    void smoothingShrinksTheErrorOfAnOutlierChannel() throws Exception {
        OnnxModel fp32 = TinyEncoder.model(11, 7, 40f);
        List<Map<String, Tensor>> calib = TinyEncoder.batches(8, 4, 10, 1);
        OnnxModel plain = Calibration.quantizeStatic(fp32, calib, CalibrationMethod.MINMAX, 99.99);
        OnnxModel smoothed = Smoothing.smooth(fp32, calib, 0.5);
        OnnxModel sq = Calibration.quantizeStatic(smoothed, calib, CalibrationMethod.MINMAX, 99.99);
        assertThat(Checker.problems(sq.proto())).isEmpty();
        assertThat(sq.proto().getGraph().getNodeList().stream().map(NodeProto::getOpType)).contains("Mul", "QuantizeLinear");
        Map<String, Tensor> feed = TinyEncoder.batches(1, 4, 12, 99).get(0);
        try (OrtRunner f = OrtRunner.open(fp32, RunnerOptions.defaults());
             OrtRunner p = OrtRunner.open(plain, RunnerOptions.defaults());
             OrtRunner s = OrtRunner.open(sq, RunnerOptions.defaults())) {
            float[] ref = f.run(feed).get("out").floats();
            double plainErr = err(ref, p.run(feed).get("out").floats());
            double smoothErr = err(ref, s.run(feed).get("out").floats());
            assertThat(smoothErr).as("plain %s, smoothed %s", plainErr, smoothErr).isLessThan(0.8 * plainErr);
        }
    }

    private static double err(float[] a, float[] b) {
        double e = 0;
        for (int i = 0; i < a.length; i++) {
            e += (a[i] - b[i]) * (a[i] - b[i]);
        }
        return Math.sqrt(e / a.length);
    }

    /** emb feeds two MatMuls (as a LayerNorm output feeds Q, K and V); their sum goes through Relu and a third. */
    private static OnnxModel sharedInput() {
        java.util.Random r = new java.util.Random(3);
        GraphBuilder g = GraphBuilder.create("shared", 11);
        OnnxRef ids = g.input("input_ids", ElemType.INT64, "batch", "seq");
        float[][] e = gaussian(r, TinyEncoder.VOCAB, TinyEncoder.K);
        for (float[] row : e) {
            row[2] *= 25;
        }
        OnnxRef emb = g.gather(g.initializer("E", e), ids, 0);
        OnnxRef h = g.relu(g.add(g.matMul(emb, g.initializer("Wa", gaussian(r, TinyEncoder.K, TinyEncoder.H))),
                g.matMul(emb, g.initializer("Wb", gaussian(r, TinyEncoder.K, TinyEncoder.H)))));
        g.output(g.matMul(h, g.initializer("W2", gaussian(r, TinyEncoder.H, TinyEncoder.D))), "out", ElemType.FLOAT,
                "batch", "seq", TinyEncoder.D);
        return g.build();
    }

    private static float[][] gaussian(java.util.Random r, int rows, int cols) {
        float[][] m = new float[rows][cols];
        for (float[] row : m) {
            for (int j = 0; j < cols; j++) {
                row[j] = (float) r.nextGaussian();
            }
        }
        return m;
    }
}
