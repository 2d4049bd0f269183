package dev.regula.models.quant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.regula.models.Checker;
import dev.regula.models.OnnxModel;
import dev.regula.models.onnx.NodeProto;
import dev.regula.models.runtime.OrtRunner;
import dev.regula.models.runtime.RunnerOptions;
import dev.regula.models.runtime.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class QuantizerTest {
    @Test
    void quantizeDequantizeOfAKnownTensorByHand() {
        // uint8 over [-1, 2]: scale = 3/255, zero point = round(1 / (3/255)) = 85
        QuantParams u = QuantParams.asymmetricUint8(-1f, 2f);
        assertThat(u.scale()).isEqualTo(3f / 255f);
        assertThat(u.zeroPoint()).isEqualTo(85);
        assertThat(u.quantize(0f)).isEqualTo(85);
        assertThat(u.quantize(2f)).isEqualTo(255);
        assertThat(u.quantize(-1f)).isEqualTo(0);
        assertThat(u.quantize(5f)).isEqualTo(255); // saturates
        assertThat(u.quantize(1f)).isEqualTo(170); // 1 / (3/255) = 85 -> 85 + 85
        assertThat(u.dequantize(170)).isCloseTo(1f, org.assertj.core.data.Offset.offset(1e-6f));
        // a positive-only range still maps 0 exactly: [0.5, 2] widens to [0, 2], zero point 0
        assertThat(QuantParams.asymmetricUint8(0.5f, 2f).zeroPoint()).isZero();

        // int8 symmetric for weights [-0.5, 1.27, 0.01]: scale = 1.27/127 = 0.01, zp 0
        byte[] q = new byte[3];
        QuantParams w = Quantizer.quantizeWeights(new float[] {-0.5f, 1.27f, 0.015f}, q);
        assertThat(w.scale()).isCloseTo(0.01f, org.assertj.core.data.Offset.offset(1e-8f));
        assertThat(w.zeroPoint()).isZero();
        // 0.015 / 0.01 = 1.5 rounds half to even: 2
        assertThat(q).containsExactly(-50, 127, 2);
        assertThat(new QuantParams(0.5f, 0, true).quantize(0.25f)).isZero(); // 0.5 -> 0 (even)
        assertThat(new QuantParams(0.5f, 0, true).quantize(0.75f)).isEqualTo(2); // 1.5 -> 2
        assertThatThrownBy(() -> new QuantParams(0f, 0, true)).hasMessageContaining("got 0.0");
        assertThatThrownBy(() -> new QuantParams(1f, 300, false)).hasMessageContaining("zero point 300");
    }

    @Test
    void rangesFromMinMaxAndPercentile() {
        RangeObserver mm = new RangeObserver(CalibrationMethod.MINMAX, 99.99);
        mm.observe("a", new float[] {-1, 3});
        mm.observe("a", new float[] {-2, 1});
        assertThat(mm.ranges().get("a")).containsExactly(-2f, 3f);

        float[] v = new float[10000];
        for (int i = 0; i < v.length; i++) {
            v[i] = i;
        }
        v[9999] = 1e6f; // one outlier
        RangeObserver pc = new RangeObserver(CalibrationMethod.PERCENTILE, 99.9);
        pc.observe("a", v);
        // 99.9th percentile of 10,000 values: the 9,990th smallest (index 9989); lower tail index 10
        assertThat(pc.ranges().get("a")).containsExactly(10f, 9989f);
        assertThat(CalibrationMethod.parse("percentile")).isEqualTo(CalibrationMethod.PERCENTILE);
        assertThatThrownBy(() -> CalibrationMethod.parse("entropy"))
                .hasMessageContaining("'entropy'").hasMessageContaining("minmax or percentile");
    }

    @Test
    void staticQuantizationStaysWithinToleranceOfFp32AtOpsets11And17() throws Exception {
        for (int opset : new int[] {11, 17}) {
            OnnxModel fp32 = TinyEncoder.model(opset, 7);
            assertThat(Quantizer.activations(fp32)).hasSize(2);
            OnnxModel q = Calibration.quantizeStatic(fp32, TinyEncoder.batches(8, 4, 10, 1),
                    CalibrationMethod.MINMAX, Calibration.DEFAULT_PERCENTILE);
            assertThat(Checker.problems(q.proto())).isEmpty();
            assertThat(q.proto().getGraph().getNodeList().stream().map(NodeProto::getOpType))
                    .contains("QuantizeLinear", "DequantizeLinear").doesNotContain("DynamicQuantizeLinear");
            assertThat(q.proto().getGraph().getInitializerList().stream().map(t -> t.getName()))
                    .doesNotContain("W1", "W2");
            assertThat(q.independentBatch(16)).isEqualTo(16);
            assertWithinTolerance(fp32, q, opset);
        }
    }

    @Test
    void dynamicQuantizationStaysWithinToleranceAndRunsOneExamplePerCall() throws Exception {
        OnnxModel fp32 = TinyEncoder.model(11, 7);
        OnnxModel q = Quantizer.quantizeDynamic(fp32);
        assertThat(Checker.problems(q.proto())).isEmpty();
        assertThat(q.proto().getGraph().getNodeList().stream().map(NodeProto::getOpType))
                .contains("DynamicQuantizeLinear", "MatMulInteger").doesNotContain("MatMul");
        assertThat(q.independentBatch(16)).isEqualTo(1);
        assertWithinTolerance(fp32, q, 11);
    }

    /**
     * Tolerance: each of the two layers adds at most half a step of its activation and weight
     * grids; on this encoder (outputs of size ~5) that stays under 3% of the output's largest
     * magnitude, and the cosine to fp32 per token stays >= 0.999.
     */
    private static void assertWithinTolerance(OnnxModel fp32, OnnxModel q, int opset) throws Exception {
        Map<String, Tensor> feed = TinyEncoder.batches(1, 1, 12, 99).get(0);
        float[] a;
        float[] b;
        try (OrtRunner r1 = OrtRunner.open(fp32, RunnerOptions.defaults());
             OrtRunner r2 = OrtRunner.open(q, RunnerOptions.defaults())) {
            a = r1.run(feed).get("out").floats();
            b = r2.run(feed).get("out").floats();
        }
        float maxAbs = 0;
        float maxErr = 0;
        for (int i = 0; i < a.length; i++) {
            maxAbs = Math.max(maxAbs, Math.abs(a[i]));
            maxErr = Math.max(maxErr, Math.abs(a[i] - b[i]));
        }
        assertThat(maxErr).as("opset %d, fp32 %s vs int8 %s", opset, Arrays.toString(a), Arrays.toString(b))
                .isLessThan(0.03f * maxAbs).isGreaterThan(0f);
        for (int t = 0; t < a.length / TinyEncoder.D; t++) {
            assertThat(cosine(a, b, t * TinyEncoder.D, TinyEncoder.D)).isGreaterThan(0.999);
        }
    }

    @Test
    void aStaticModelGivesATextTheSameFeaturesWhateverItsBatchMates() throws Exception {
        OnnxModel q = Calibration.quantizeStatic(TinyEncoder.model(11, 7), TinyEncoder.batches(8, 4, 10, 1),
                CalibrationMethod.PERCENTILE, 99.0);
        Random r = new Random(5);
        long[] text = TinyEncoder.ids(r, 10);
        try (OrtRunner run = OrtRunner.open(q, RunnerOptions.defaults())) {
            float[] alone = run.run(Map.of("input_ids", Tensor.ofLongs(text, 1, 10))).get("out").floats();
            for (int trial = 0; trial < 3; trial++) {
                long[] batch = new long[4 * 10];
                long[] mates = TinyEncoder.ids(r, 40);
                System.arraycopy(mates, 0, batch, 0, 40);
                System.arraycopy(text, 0, batch, 20, 10); // the text is row 2 of 4
                float[] out = run.run(Map.of("input_ids", Tensor.ofLongs(batch, 4, 10))).get("out").floats();
                assertThat(Arrays.copyOfRange(out, 2 * 10 * TinyEncoder.D, 3 * 10 * TinyEncoder.D)).containsExactly(alone);
            }
        }
    }

    @Test
    void theQuantizedModelDependsOnlyOnTheCalibrationRowsItIsGiven() throws Exception {
        OnnxModel fp32 = TinyEncoder.model(11, 7);
        List<Map<String, Tensor>> train = TinyEncoder.batches(4, 4, 10, 1);
        byte[] once = Calibration.quantizeStatic(fp32, train, CalibrationMethod.MINMAX, 99.99).proto().toByteArray();
        byte[] again = Calibration.quantizeStatic(fp32, TinyEncoder.batches(4, 4, 10, 1), CalibrationMethod.MINMAX, 99.99)
                .proto().toByteArray();
        // two texts of three tokens see only a few embeddings, so their ranges differ
        byte[] other = Calibration.quantizeStatic(fp32, TinyEncoder.batches(1, 2, 3, 2), CalibrationMethod.MINMAX, 99.99)
                .proto().toByteArray();
        assertThat(again).isEqualTo(once);
        assertThat(other).isNotEqualTo(once);
    }

    @Test
    void missingRangesAndEmptyCalibrationAreNamed() {
        OnnxModel fp32 = TinyEncoder.model(11, 7);
        String first = Quantizer.activations(fp32).get(0);
        assertThatThrownBy(() -> Quantizer.quantizeStatic(fp32, Map.of()))
                .hasMessageContaining("'" + first + "'").hasMessageContaining("[min, max]");
        assertThatThrownBy(() -> Calibration.ranges(fp32, List.of(), CalibrationMethod.MINMAX, 99.99))
                .hasMessageContaining("at least one batch");
    }

    private static double cosine(float[] a, float[] b, int off, int n) {
        double ab = 0;
        double aa = 0;
        double bb = 0;
        for (int i = off; i < off + n; i++) {
            ab += a[i] * b[i];
            aa += a[i] * a[i];
            bb += b[i] * b[i];
        }
        return ab / Math.sqrt(aa * bb);
    }
}
