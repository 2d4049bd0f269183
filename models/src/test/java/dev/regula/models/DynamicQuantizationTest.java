package dev.regula.models;

import static org.assertj.core.api.Assertions.assertThat;

import dev.regula.models.onnx.ModelProto;
import dev.regula.models.onnx.NodeProto;
import org.junit.jupiter.api.Test;

class DynamicQuantizationTest {
    private static ModelProto withNode(String opType, String domain) {
        ModelProto tiny = TinyModels.add();
        return tiny.toBuilder().setGraph(tiny.getGraph().toBuilder()
                .addNode(NodeProto.newBuilder().setOpType(opType).setDomain(domain).addInput("x").addOutput("extra"))).build();
    }

    @Test
    void onnxAndOnnxRuntimeDynamicQuantizationCount() {
        assertThat(OnnxModel.of(TinyModels.add()).quantizesDynamically()).isFalse();
        assertThat(OnnxModel.of(withNode("DynamicQuantizeLinear", "")).quantizesDynamically()).isTrue();
        assertThat(OnnxModel.quantizesDynamically(withNode("DynamicQuantizeMatMul", "com.microsoft"))).isTrue();
        assertThat(OnnxModel.quantizesDynamically(withNode("DynamicQuantizeLSTM", "com.microsoft"))).isTrue();
        // static quantization: the scale is a constant, batch mates do not matter
        assertThat(OnnxModel.quantizesDynamically(withNode("QuantizeLinear", ""))).isFalse();
    }

    @Test
    void aDynamicallyQuantizedModelRunsOneExamplePerCallOthersAsAsked() {
        assertThat(OnnxModel.of(TinyModels.add()).independentBatch(32)).isEqualTo(32);
        assertThat(OnnxModel.of(withNode("DynamicQuantizeLinear", "")).independentBatch(32)).isEqualTo(1);
        assertThat(OnnxModel.independentBatch(withNode("QuantizeLinear", ""), 7)).isEqualTo(7);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> OnnxModel.of(TinyModels.add()).independentBatch(0))
                .hasMessageContaining("got 0");
    }
}
