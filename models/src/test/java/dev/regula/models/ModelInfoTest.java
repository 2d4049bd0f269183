package dev.regula.models;

import static org.assertj.core.api.Assertions.assertThat;

import dev.regula.models.onnx.ModelProto;
import dev.regula.models.onnx.OperatorSetIdProto;
import dev.regula.models.onnx.TensorProto;
import dev.regula.models.onnx.TypeProto;
import dev.regula.models.onnx.ValueInfoProto;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelInfoTest {
    @Test
    void inspectsInputsOutputsWeightsAndOpsets() {
        ModelProto m = TinyModels.add();
        m = m.toBuilder()
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("com.microsoft").setVersion(1))
                .setGraph(m.getGraph().toBuilder()
                        .addInitializer(TinyModels.floats("w", new float[6], 2, 3))
                        // IR < 4 style: an initializer also listed as an input is not a run-time input.
                        .addInput(TinyModels.value("w", TensorProto.DataType.FLOAT, 2, 3))
                        .addInput(TinyModels.value("mask", TensorProto.DataType.INT64, "batch", null, 7))
                        .addInput(ValueInfoProto.newBuilder().setName("noshape").setType(TypeProto.newBuilder()
                                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(1))))
                        .addOutput(ValueInfoProto.newBuilder().setName("seq").setType(TypeProto.newBuilder()
                                .setSequenceType(TypeProto.Sequence.newBuilder().setElemType(TypeProto.newBuilder()
                                        .setTensorType(TypeProto.Tensor.newBuilder().setElemType(7)))))))
                .build();
        ModelInfo info = OnnxModel.of(m).withMetadata(Map.of("k", "v")).inspect();

        assertThat(info.irVersion()).isEqualTo(8);
        assertThat(info.producerName()).isEqualTo("regula-test");
        assertThat(info.opsetImports()).containsExactly(Map.entry("", 17L), Map.entry("com.microsoft", 1L));
        assertThat(info.inputs()).extracting(TensorInfo::name).containsExactly("x", "mask", "noshape");
        TensorInfo mask = info.inputs().get(1);
        assertThat(mask.elemType()).isEqualTo("int64");
        assertThat(mask.elem()).contains(ElemType.INT64);
        assertThat(info.outputs().get(1).elem()).isEmpty();
        assertThat(mask.shape()).containsExactly(Dim.symbolic("batch"), Dim.unknown(), Dim.fixed(7));
        assertThat(mask.shapeText()).isEqualTo("[batch, ?, 7]");
        assertThat(info.inputs().get(2).shape()).isNull();
        assertThat(info.outputs()).extracting(TensorInfo::elemType).containsExactly("float", "seq(tensor(int64))");
        assertThat(info.initializerCount()).isEqualTo(2);
        assertThat(info.initializerBytes()).isEqualTo(12 + 24);
        assertThat(info.parameterCount()).isEqualTo(3 + 6);
        assertThat(info.metadata()).containsExactly(Map.entry("k", "v"));
    }

    @Test
    void jsonIsValidAndEscaped() {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("quote\"back\\slash", "line1\nline2\ttab\u0001ctl");
        ModelInfo info = new ModelInfo(9, "p\"r", "", Map.of("", 13L),
                List.of(new TensorInfo("in\"put", "float", List.of(Dim.symbolic("n"), Dim.fixed(4), Dim.unknown()))),
                List.of(new TensorInfo("out", "float", null)), 1, 16, 4, meta);
        String json = info.toJson();
        assertThat(json).contains("\"irVersion\": 9");
        assertThat(json).contains("\"producerName\": \"p\\\"r\"");
        assertThat(json).contains("\"opsetImports\": {\"\": 13}");
        assertThat(json).contains("{\"name\": \"in\\\"put\", \"elemType\": \"float\", \"shape\": [\"n\", 4, \"?\"]}");
        assertThat(json).contains("{\"name\": \"out\", \"elemType\": \"float\", \"shape\": null}");
        assertThat(json).contains("\"quote\\\"back\\\\slash\": \"line1\\nline2\\ttab\\u0001ctl\"");
        assertThat(json.chars().filter(c -> c < 0x20 && c != '\n')).isEmpty();
        assertThat(balanced(json)).isTrue();
    }

    @Test
    void jsonWithNoMetadataHasEmptyObject() {
        String json = OnnxModel.of(TinyModels.add()).inspect().toJson();
        assertThat(json).contains("\"metadata\": {}").contains("\"initializerBytes\": 12");
        assertThat(balanced(json)).isTrue();
    }

    @Test
    void textTableAlignsColumns() {
        String text = OnnxModel.of(TinyModels.add()).withMetadata(Map.of("author", "me")).inspect().toText();
        assertThat(text).contains("ir_version    8")
                .contains("producer      regula-test 0")
                .contains("opsets        ai.onnx 17")
                .contains("initializers  1 tensors, 12 B, 3 parameters");
        List<String> lines = text.lines().toList();
        String header = lines.stream().filter(l -> l.contains("NAME")).findFirst().orElseThrow();
        String input = lines.stream().filter(l -> l.startsWith("input ")).findFirst().orElseThrow();
        assertThat(input.indexOf("float")).isEqualTo(header.indexOf("TYPE"));
        assertThat(input.indexOf("[batch, 3]")).isEqualTo(header.indexOf("SHAPE"));
        assertThat(text).contains("author    me");
    }

    @Test
    void textCutsLongMetadataValuesAndJsonKeepsThemWhole() {
        String members = "[" + "{\"name\":\"m\"},".repeat(200) + "{}]";
        ModelInfo info = OnnxModel.of(TinyModels.add()).withMetadata(Map.of("members", members, "short", "x")).inspect();
        String line = info.toText().lines().filter(l -> l.startsWith("members")).findFirst().orElseThrow();
        assertThat(line).endsWith(members.substring(0, ModelInfo.TEXT_VALUE_CHARS) + "... (2,604 characters in all)");
        assertThat(info.toText()).contains("short     x");
        assertThat(info.toJson()).contains(members.replace("\"", "\\\""));
    }

    /** Brackets and braces outside strings nest properly. */
    private static boolean balanced(String json) {
        java.util.ArrayDeque<Character> stack = new java.util.ArrayDeque<>();
        boolean inString = false;
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                stack.push(c);
            } else if (c == '}' || c == ']') {
                if (stack.isEmpty() || stack.pop() != (c == '}' ? '{' : '[')) {
                    return false;
                }
            }
        }
        return stack.isEmpty() && !inString;
    }
}
