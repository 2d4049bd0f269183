package dev.regula.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.regula.models.onnx.AttributeProto;
import dev.regula.models.onnx.GraphProto;
import dev.regula.models.onnx.ModelProto;
import dev.regula.models.onnx.NodeProto;
import dev.regula.models.onnx.OperatorSetIdProto;
import dev.regula.models.onnx.TensorProto;
import org.junit.jupiter.api.Test;

class CheckerTest {
    private static ModelProto withGraph(GraphProto.Builder g) {
        return TinyModels.add().toBuilder().setGraph(g).build();
    }

    private static GraphProto.Builder graph() {
        return TinyModels.add().getGraph().toBuilder();
    }

    @Test
    void soundModelPasses() throws Exception {
        assertThat(Checker.problems(TinyModels.add())).isEmpty();
        Checker.check(OnnxModel.of(TinyModels.add()));
    }

    @Test
    void inputNotYetProduced() {
        GraphProto.Builder g = graph().clearNode()
                .addNode(TinyModels.node("second", "Relu", new String[] {"t"}, "y"))
                .addNode(TinyModels.node("first", "Add", new String[] {"x", "b"}, "t"))
                .addNode(TinyModels.node("third", "Relu", new String[] {"ghost"}, "z"));
        assertThat(Checker.problems(withGraph(g))).containsExactly(
                "node #0 'second' (Relu): input 't' is not a graph input, initializer or output of an earlier node"
                        + " (node #1 produces it later: nodes must be in topological order)",
                "node #2 'third' (Relu): input 'ghost' is not a graph input, initializer or output of an earlier node");
    }

    @Test
    void emptyInputNameIsAnOmittedOptionalInput() {
        GraphProto.Builder g = graph().clearNode()
                .addNode(TinyModels.node("clip", "Clip", new String[] {"x", "", "b"}, "y"));
        assertThat(Checker.problems(withGraph(g))).isEmpty();
    }

    @Test
    void duplicateAndClashingOutputs() {
        GraphProto.Builder g = graph()
                .addNode(TinyModels.node("again", "Relu", new String[] {"x"}, "y"))
                .addNode(TinyModels.node("shadow", "Relu", new String[] {"x"}, "b"));
        assertThat(Checker.problems(withGraph(g))).containsExactly(
                "node #1 'again' (Relu): output 'y' is already produced by node #0 'add0' (Add)",
                "node #2 'shadow' (Relu): output 'b' has the name of a graph input or initializer");
    }

    @Test
    void graphOutputNobodyProduces() {
        GraphProto.Builder g = graph().addOutput(TinyModels.value("missing", TensorProto.DataType.FLOAT, 1));
        assertThat(Checker.problems(withGraph(g))).containsExactly(
                "graph 'tiny': graph output 'missing' is not produced by any node, input or initializer");
    }

    @Test
    void initializerDataMustMatchDims() {
        TensorProto shortRaw = TinyModels.floats("short", new float[] {1, 2}, 3);
        TensorProto typed = TensorProto.newBuilder().setName("typed").setDataType(TensorProto.DataType.INT64_VALUE)
                .addDims(2).addDims(2).addInt64Data(1).addInt64Data(2).addInt64Data(3).build();
        TensorProto fine = TensorProto.newBuilder().setName("ok").setDataType(TensorProto.DataType.INT32_VALUE)
                .addDims(2).addInt32Data(1).addInt32Data(2).build();
        TensorProto int4 = TensorProto.newBuilder().setName("nibbles").setDataType(TensorProto.DataType.INT4_VALUE)
                .addDims(3).setRawData(ByteString.copyFrom(new byte[2])).build();
        TensorProto scalar = TensorProto.newBuilder().setName("scalar").setDataType(TensorProto.DataType.DOUBLE_VALUE)
                .addDoubleData(1.5).build();
        TensorProto noType = TensorProto.newBuilder().setName("untyped").addDims(1).build();
        GraphProto.Builder g = graph().addInitializer(shortRaw).addInitializer(typed).addInitializer(fine)
                .addInitializer(int4).addInitializer(scalar).addInitializer(noType);
        assertThat(Checker.problems(withGraph(g))).containsExactly(
                "graph 'tiny': initializer 'short': raw_data has 8 bytes but dims [3] of float need 12",
                "graph 'tiny': initializer 'typed': holds 3 values but dims [2, 2] of int64 need 4",
                "graph 'tiny': initializer 'untyped': data_type 0 is not a known element type");
    }

    @Test
    void domainsNeedAnOpsetImportAndAiOnnxIsTheDefault() {
        GraphProto.Builder g = graph()
                .addNode(TinyModels.node("ms", "FastGelu", new String[] {"y"}, "z").toBuilder().setDomain("com.microsoft"))
                .addNode(TinyModels.node("std", "Relu", new String[] {"y"}, "r").toBuilder().setDomain("ai.onnx"));
        assertThat(Checker.problems(withGraph(g))).containsExactly(
                "node #1 'ms' (FastGelu): domain 'com.microsoft' has no opset_import in the model");
        ModelProto aiOnnxOnly = withGraph(graph()).toBuilder().clearOpsetImport()
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("ai.onnx").setVersion(17)).build();
        assertThat(Checker.problems(aiOnnxOnly)).isEmpty();
    }

    @Test
    void subgraphsSeeOuterScopeNamesButNotLaterOnes() {
        GraphProto thenBranch = GraphProto.newBuilder().setName("then")
                .addNode(TinyModels.node("inner", "Add", new String[] {"y", "b"}, "t_out"))
                .addOutput(TinyModels.value("t_out", TensorProto.DataType.FLOAT, 3)).build();
        GraphProto elseBranch = GraphProto.newBuilder().setName("else")
                .addNode(TinyModels.node("bad", "Relu", new String[] {"late"}, "e_out"))
                .addOutput(TinyModels.value("e_out", TensorProto.DataType.FLOAT, 3)).build();
        NodeProto ifNode = TinyModels.node("branch", "If", new String[] {"cond"}, "picked").toBuilder()
                .addAttribute(AttributeProto.newBuilder().setName("then_branch").setType(AttributeProto.AttributeType.GRAPH)
                        .setG(thenBranch))
                .addAttribute(AttributeProto.newBuilder().setName("else_branch").setType(AttributeProto.AttributeType.GRAPH)
                        .setG(elseBranch)).build();
        GraphProto.Builder g = graph()
                .addInput(TinyModels.value("cond", TensorProto.DataType.BOOL))
                .addNode(ifNode)
                .addNode(TinyModels.node("after", "Relu", new String[] {"picked"}, "late"));
        assertThat(Checker.problems(withGraph(g))).containsExactly(
                "node #1 'branch' (If) attribute 'else_branch' > node #0 'bad' (Relu): input 'late' is not a graph"
                        + " input, initializer or output of an earlier node");
    }

    @Test
    void checkThrowsWithEveryProblemListed() {
        GraphProto.Builder g = graph().clearNode().addOutput(TinyModels.value("z", TensorProto.DataType.FLOAT, 1));
        assertThatThrownBy(() -> Checker.check(OnnxModel.of(withGraph(g))))
                .isInstanceOf(OnnxCheckException.class)
                .hasMessageContaining("2 problems")
                .hasMessageContaining("graph output 'y'")
                .hasMessageContaining("graph output 'z'")
                .satisfies(e -> assertThat(((OnnxCheckException) e).problems()).hasSize(2));
    }
}
