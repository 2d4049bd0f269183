package dev.regula.models.quant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.regula.models.Checker;
import dev.regula.models.OnnxModel;
import dev.regula.models.Tensors;
import dev.regula.models.onnx.NodeProto;
import dev.regula.models.onnx.TensorProto;
import dev.regula.models.runtime.OrtRunner;
import dev.regula.models.runtime.RunnerOptions;
import dev.regula.models.runtime.Tensor;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class PerChannelWeightsTest {
    @Test
    void columnScalesByHand() {
        // [[-0.5, 2.54], [1.27, 0.02]]: column 0 |max| 1.27 -> scale 0.01; column 1 |max| 2.54 -> 0.02
        byte[] q = new byte[4];
        float[] s = Quantizer.quantizeWeightColumns(new float[] {-0.5f, 2.54f, 1.27f, 0.02f}, 2, q);
        assertThat(s[0]).isCloseTo(0.01f, Offset.offset(1e-8f));
        assertThat(s[1]).isCloseTo(0.02f, Offset.offset(1e-8f));
        // -0.5/0.01 = -50; 2.54/0.02 = 127; 1.27/0.01 = 127; 0.02/0.02 = 1
        assertThat(q).containsExactly(-50, 127, 127, 1);
        // per tensor the small column would get 0.02-wide steps: 0.02 -> 1, -0.5 -> -25
        byte[] t = new byte[4];
        Quantizer.quantizeWeights(new float[] {-0.5f, 2.54f, 1.27f, 0.02f}, t);
        assertThat(t).containsExactly(-25, 127, 64, 1);
    }

    @Test
    void perChannelWeightsAreDequantizedBehindTheMatMulAndBeatPerTensor() throws Exception {
        OnnxModel fp32 = TinyEncoder.model(11, 7);
        // one weight column 50x larger than the rest, as MiniLM's FFN output projections have
        fp32 = scaleColumn(fp32, "W2", 0, 50f);
        List<Map<String, Tensor>> calib = TinyEncoder.batches(8, 4, 10, 1);
        OnnxModel perTensor = Calibration.quantizeStatic(fp32, calib, CalibrationMethod.MINMAX, 99.99);
        OnnxModel perChannel = Calibration.quantizeStatic(fp32, calib, CalibrationMethod.MINMAX, 99.99,
                new WeightOptions(Set.of(), true));
        assertThat(Checker.problems(perChannel.proto())).isEmpty();
        assertThat(perChannel.proto().getGraph().getNodeList().stream().map(NodeProto::getOpType)
                .filter(o -> o.equals("Mul"))).as("one column-scale Mul per quantized MatMul").hasSize(2);
        TensorProto scales = perChannel.proto().getGraph().getInitializerList().stream()
                .filter(t -> t.getName().equals("W2_column_scales")).findFirst().orElseThrow();
        assertThat(scales.getDimsList()).containsExactly((long) TinyEncoder.D);
        assertThat(perChannel.independentBatch(16)).isEqualTo(16);
        Map<String, Tensor> feed = TinyEncoder.batches(1, 4, 12, 99).get(0);
        try (OrtRunner f = OrtRunner.open(fp32, RunnerOptions.defaults());
             OrtRunner t = OrtRunner.open(perTensor, RunnerOptions.defaults());
             OrtRunner c = OrtRunner.open(perChannel, RunnerOptions.defaults())) {
            float[] ref = f.run(feed).get("out").floats();
            float[] pt = t.run(feed).get("out").floats();
            float[] pc = c.run(feed).get("out").floats();
            // the small columns (1..5) are where per-tensor scales hurt
            double errT = smallColumnError(ref, pt);
            double errC = smallColumnError(ref, pc);
            assertThat(errC).as("per tensor %s, per channel %s", errT, errC).isLessThan(0.5 * errT).isGreaterThan(0);
        }
    }

    @Test
    void keptMatMulsStayFloatAndUnknownNamesAreRefused() throws Exception {
        OnnxModel fp32 = TinyEncoder.model(11, 7);
        List<String> mms = Quantizer.matMulOutputs(fp32);
        assertThat(mms).hasSize(2);
        WeightOptions keepSecond = new WeightOptions(Set.of(mms.get(1)), false);
        OnnxModel q = Calibration.quantizeStatic(fp32, TinyEncoder.batches(4, 4, 10, 1), CalibrationMethod.MINMAX, 99.99,
                keepSecond);
        assertThat(Checker.problems(q.proto())).isEmpty();
        assertThat(q.proto().getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("QuantizeLinear")))
                .hasSize(1);
        assertThat(q.proto().getGraph().getInitializerList().stream().map(TensorProto::getName))
                .contains("W2").doesNotContain("W1");
        assertThat(Quantizer.activations(fp32, keepSecond.keepFloat())).hasSize(1);
        assertThatThrownBy(() -> Quantizer.quantizeStatic(fp32, Map.of(), new WeightOptions(Set.of("nope"), false)))
                .hasMessageContaining("'nope'").hasMessageContaining("quantizable MatMul");
    }

    private static double smallColumnError(float[] ref, float[] q) {
        double e = 0;
        for (int i = 0; i < ref.length; i++) {
            if (i % TinyEncoder.D != 0) {
                e += Math.abs(ref[i] - q[i]);
            }
        }
        return e;
    }

    private static OnnxModel scaleColumn(OnnxModel m, String name, int col, float f) {
        var g = m.proto().getGraph().toBuilder();
        for (int i = 0; i < g.getInitializerCount(); i++) {
            TensorProto t = g.getInitializer(i);
            if (t.getName().equals(name)) {
                float[] d = Tensors.toFloats(t);
                int cols = (int) t.getDims(1);
                for (int r = 0; r < d.length / cols; r++) {
                    d[r * cols + col] *= f;
                }
                g.setInitializer(i, Tensors.floats(name, d, t.getDims(0), t.getDims(1)));
            }
        }
        return OnnxModel.of(m.proto().toBuilder().setGraph(g).build());
    }
}
