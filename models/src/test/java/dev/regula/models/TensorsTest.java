package dev.regula.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.regula.models.onnx.ModelProto;
import dev.regula.models.onnx.TensorProto;
import org.junit.jupiter.api.Test;

class TensorsTest {
    @Test
    void rawDataIsLittleEndianAndReadsBack() {
        TensorProto f = Tensors.floats("f", new float[] {1f, -2.5f}, 2);
        assertThat(f.getRawData().toByteArray()).containsExactly(0, 0, (byte) 0x80, 0x3f, 0, 0, 0x20, (byte) 0xc0);
        assertThat(f.getDimsList()).containsExactly(2L);
        assertThat(Tensors.toFloats(f)).containsExactly(1f, -2.5f);
        TensorProto l = Tensors.longs("l", new long[] {1, -1}, 1, 2);
        assertThat(l.getRawData().toByteArray()).startsWith(1, 0, 0, 0, 0, 0, 0, 0, -1);
        assertThat(Tensors.toLongs(l)).containsExactly(1L, -1L);
        TensorProto fieldData = TensorProto.newBuilder().setDataType(ElemType.FLOAT.code()).addFloatData(3f).build();
        assertThat(Tensors.toFloats(fieldData)).containsExactly(3f);
        assertThat(Tensors.matrix("m", new float[][] {{1, 2}, {3, 4}}).getDimsList()).containsExactly(2L, 2L);
        assertThatThrownBy(() -> Tensors.toLongs(f)).hasMessageContaining("Tensor 'f' has data type FLOAT, expected INT64");
        assertThatThrownBy(() -> Tensors.floats("s", new float[] {1f, 2f})).hasMessageContaining(
                "dims [] (1 elements) but 2 values were given");
    }

    @Test
    void appendingToAModelWithoutAnAiOnnxImportNeedsAnOpset() throws Exception {
        GraphBuilder g = GraphBuilder.create("g", 17);
        OnnxRef x = g.input("x", ElemType.FLOAT, 1);
        g.output(x, "x", ElemType.FLOAT, 1);
        ModelProto bare = g.build().proto().toBuilder().clearOpsetImport().build();
        assertThatThrownBy(() -> GraphBuilder.appendTo(OnnxModel.of(bare))).isInstanceOf(OpsetException.class)
                .hasMessageContaining("imports no ai.onnx opset; call appendTo(model, wantedOpset)");
        GraphBuilder a = GraphBuilder.appendTo(OnnxModel.of(bare), 15);
        a.output(a.relu(a.existing("x")), "r", ElemType.FLOAT);
        ModelProto p = a.build().proto();
        assertThat(p.getOpsetImportList()).singleElement().satisfies(o -> {
            assertThat(o.getDomain()).isEmpty();
            assertThat(o.getVersion()).isEqualTo(15);
        });
        assertThat(p.getGraph().getOutput(1).getType().getTensorType().getShape().getDimCount()).isEqualTo(1);
        assertThat((float[]) OrtSupport.run(OnnxModel.of(p), java.util.Map.of("x", new float[] {-3f})).get("r"))
                .containsExactly(0f);
    }
}
