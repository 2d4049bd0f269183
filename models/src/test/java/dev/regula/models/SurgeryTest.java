package dev.regula.models;

import static dev.regula.models.OrtSupport.addRow;
import static dev.regula.models.OrtSupport.assertClose;
import static dev.regula.models.OrtSupport.matMul;
import static dev.regula.models.OrtSupport.randomMatrix;
import static dev.regula.models.OrtSupport.randomVector;
import static dev.regula.models.OrtSupport.relu;
import static dev.regula.models.OrtSupport.softmaxRows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.regula.models.onnx.GraphProto;
import dev.regula.models.onnx.ModelProto;
import dev.regula.models.onnx.NodeProto;
import dev.regula.models.onnx.StringStringEntryProto;
import dev.regula.models.onnx.TensorProto;
import dev.regula.models.onnx.ValueInfoProto;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SurgeryTest {
    private static final float[][] W1 = randomMatrix(21, 4, 6);
    private static final float[] B1 = randomVector(22, 6);
    private static final float[][] W2 = randomMatrix(23, 6, 3);
    private static final float[] B2 = randomVector(24, 3);
    private static final float[][] X = randomMatrix(25, 5, 4);

    private static OnnxModel mlp() {
        GraphBuilder g = GraphBuilder.create("mlp", 17);
        OnnxRef x = g.input("x", ElemType.FLOAT, "batch", 4);
        OnnxRef h = g.relu(g.add(g.matMul(x, g.initializer("W1", W1)), g.initializer("b1", B1, 6)));
        OnnxRef logits = g.add(g.matMul(h, g.initializer("W2", W2)), g.initializer("b2", B2, 3));
        g.output(g.softmax(logits, -1), "probs", ElemType.FLOAT, "batch", 3);
        ModelProto p = g.build().proto().toBuilder().setDocString("an mlp")
                .addMetadataProps(StringStringEntryProto.newBuilder().setKey("owner").setValue("tests")).build();
        return OnnxModel.of(p);
    }

    @Test
    void cutKeepsExactlyTheNodesAndInitializersNeeded() throws Exception {
        OnnxModel full = mlp();
        assertClose(softmaxRows(addRow(matMul(relu(addRow(matMul(X, W1), B1)), W2), B2)),
                (float[][]) OrtSupport.run(full, Map.of("x", X)).get("probs"), 1e-5);

        OnnxModel cut = Surgery.cut(full, "Relu");
        GraphProto g = cut.proto().getGraph();
        assertThat(g.getNodeList()).extracting(NodeProto::getName).containsExactly("MatMul", "Add", "Relu");
        assertThat(g.getInitializerList()).extracting(TensorProto::getName).containsExactlyInAnyOrder("W1", "b1");
        assertThat(g.getInputList()).extracting(ValueInfoProto::getName).containsExactly("x");
        ValueInfoProto out = g.getOutput(0);
        assertThat(g.getOutputCount()).isEqualTo(1);
        assertThat(out.getName()).isEqualTo("Relu");
        assertThat(out.getType().getTensorType().getElemType()).isEqualTo(ElemType.FLOAT.code());
        // rank inferred along MatMul/Add/Relu from x [batch, 4]; sizes left unknown
        assertThat(out.getType().getTensorType().getShape().getDimList()).hasSize(2)
                .allSatisfy(d -> assertThat(d.hasDimValue() || d.hasDimParam()).isFalse());
        assertThat(cut.proto().getDocString()).isEqualTo("an mlp");
        assertThat(cut.proto().getMetadataPropsList()).isEqualTo(full.proto().getMetadataPropsList());
        assertThat(cut.proto().getOpsetImportList()).isEqualTo(full.proto().getOpsetImportList());
        assertThat(cut.proto().getIrVersion()).isEqualTo(full.proto().getIrVersion());

        float[][] hidden = (float[][]) OrtSupport.run(cut, Map.of("x", X)).get("Relu");
        assertClose(relu(addRow(matMul(X, W1), B1)), hidden, 1e-5);
    }

    @Test
    void cutAtAGraphOutputKeepsEverythingAndItsDeclaredType() {
        OnnxModel full = mlp();
        OnnxModel cut = Surgery.cut(full, "probs");
        assertThat(cut.proto().getGraph().getNodeCount()).isEqualTo(full.proto().getGraph().getNodeCount());
        assertThat(cut.proto().getGraph().getOutput(0)).isEqualTo(full.proto().getGraph().getOutput(0));
    }

    @Test
    void cutInfersElementTypesFromProducers() throws Exception {
        GraphBuilder g = GraphBuilder.create("types", 17);
        OnnxRef x = g.input("x", ElemType.FLOAT, 2, 3);
        OnnxRef arg = g.argMax(g.relu(x), 1, false);
        OnnxRef back = g.identity(g.cast(arg, ElemType.INT32));
        g.output(g.cast(back, ElemType.FLOAT), "y", ElemType.FLOAT, 2);
        OnnxModel m = g.build();
        assertThat(Surgery.cut(m, arg.name()).proto().getGraph().getOutput(0).getType().getTensorType().getElemType())
                .isEqualTo(ElemType.INT64.code());
        OnnxModel cutBack = Surgery.cut(m, back.name());
        assertThat(cutBack.proto().getGraph().getOutput(0).getType().getTensorType().getElemType())
                .isEqualTo(ElemType.INT32.code());
        Object out = OrtSupport.run(cutBack, Map.of("x", new float[][] {{1, 5, 2}, {-1, -2, 0.5f}})).get(back.name());
        assertThat((int[]) out).containsExactly(1, 2);
    }

    @Test
    void cutAtAMissingTensorNamesNearMatches() {
        assertThatThrownBy(() -> Surgery.cut(mlp(), "Reluu")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Cannot cut graph 'mlp' at 'Reluu': no such tensor")
                .hasMessageContaining("nearest names: [Relu");
    }

    @Test
    void appendAfterMakesTheNewTensorTheOnlyOutput() throws Exception {
        OnnxModel m = Surgery.appendAfter(mlp(), "Relu", (g, h) -> g.reduceSum(h, new long[] {1}, false),
                "total", ElemType.FLOAT, "batch");
        GraphProto g = m.proto().getGraph();
        assertThat(g.getOutputList()).extracting(ValueInfoProto::getName).containsExactly("total");
        assertThat(g.getInitializerList()).extracting(TensorProto::getName).containsExactlyInAnyOrder("W1", "b1",
                "reducesum_axes");
        float[] total = (float[]) OrtSupport.run(m, Map.of("x", X)).get("total");
        float[][] h = relu(addRow(matMul(X, W1), B1));
        for (int i = 0; i < X.length; i++) {
            double s = 0;
            for (float v : h[i]) {
                s += v;
            }
            assertThat((double) total[i]).isCloseTo(s, org.assertj.core.data.Offset.offset(1e-5));
        }
    }

    /** a: x -> h = x @ W, aux = relu(x); b: y = relu(z + W) * extra. Both name an initializer W and a node Relu. */
    private static OnnxModel modelA(int opset, String metaValue) {
        GraphBuilder g = GraphBuilder.create("a", opset);
        OnnxRef x = g.input("x", ElemType.FLOAT, "n", 2);
        g.output(g.matMul(x, g.initializer("W", W1[0], 2, 3)), "h", ElemType.FLOAT, "n", 3);
        g.output(g.relu(x), "aux", ElemType.FLOAT, "n", 2);
        return withMeta(g.build(), metaValue, "doc a");
    }

    private static OnnxModel modelB(int opset, String metaValue) {
        GraphBuilder g = GraphBuilder.create("b", opset);
        OnnxRef z = g.input("z", ElemType.FLOAT, "n", 3);
        OnnxRef extra = g.input("extra", ElemType.FLOAT, "n", 3);
        OnnxRef y = g.mul(g.relu(g.add(z, g.initializer("W", B2, 3))), extra);
        g.output(y, "y", ElemType.FLOAT, "n", 3);
        return withMeta(g.build(), metaValue, "doc b");
    }

    private static OnnxModel withMeta(OnnxModel m, String value, String doc) {
        return OnnxModel.of(m.proto().toBuilder().setDocString(doc)
                .addMetadataProps(StringStringEntryProto.newBuilder().setKey("shared").setValue(value))
                .addMetadataProps(StringStringEntryProto.newBuilder().setKey(doc).setValue("1")).build());
    }

    @Test
    void mergeFeedsBFromAAndMatchesJava() throws Exception {
        OnnxModel merged = Surgery.merge(modelA(17, "s"), modelB(17, "s"), Map.of("h", "z"), "a/", "b/");
        ModelProto p = merged.proto();
        assertThat(p.getGraph().getInputList()).extracting(ValueInfoProto::getName).containsExactly("a/x", "b/extra");
        assertThat(p.getGraph().getOutputList()).extracting(ValueInfoProto::getName).containsExactly("b/y", "a/aux");
        assertThat(p.getMetadataPropsList()).extracting(StringStringEntryProto::getKey)
                .containsExactly("shared", "doc a", "doc b");
        assertThat(p.getDocString()).isEqualTo("doc a\ndoc b");
        assertThat(p.getOpsetImportList()).singleElement().satisfies(o -> assertThat(o.getVersion()).isEqualTo(17));

        float[][] x = {{1f, 2f}, {-1f, 0.5f}};
        float[][] extra = {{1f, 2f, 3f}, {-1f, 0f, 0.5f}};
        Map<String, Object> out = OrtSupport.run(merged, Map.of("a/x", x, "b/extra", extra));
        float[][] w = {{W1[0][0], W1[0][1], W1[0][2]}, {W1[0][3], W1[0][4], W1[0][5]}};
        float[][] expected = relu(addRow(matMul(x, w), B2));
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 3; j++) {
                expected[i][j] *= extra[i][j];
            }
        }
        assertClose(expected, (float[][]) out.get("b/y"), 1e-5);
        assertClose(relu(x), (float[][]) out.get("a/aux"), 0);

        OnnxModel onlyB = Surgery.merge(modelA(17, "s"), modelB(17, "s"), Map.of("h", "z"), "a/", "b/", false);
        assertThat(onlyB.proto().getGraph().getOutputList()).extracting(ValueInfoProto::getName).containsExactly("b/y");
    }

    @Test
    void mergeRefusesClashesConflictsAndBadMaps() {
        assertThatThrownBy(() -> Surgery.merge(modelA(17, "s"), modelB(17, "s"), Map.of("h", "z"), null, null))
                .hasMessageContaining("both use the names").hasMessageContaining("W").hasMessageContaining("Relu")
                .hasMessageContaining("prefixA/prefixB");
        assertThatThrownBy(() -> Surgery.merge(modelA(17, "s"), modelB(13, "s"), Map.of("h", "z"), "a/", "b/"))
                .hasMessageContaining("domain 'ai.onnx' at opsets 17 and 13");
        assertThatThrownBy(() -> Surgery.merge(modelA(17, "s"), modelB(17, "t"), Map.of("h", "z"), "a/", "b/"))
                .hasMessageContaining("key 'shared' is 's' in the first model and 't' in the second");
        assertThatThrownBy(() -> Surgery.merge(modelA(17, "s"), modelB(17, "s"), Map.of("hh", "z"), "a/", "b/"))
                .hasMessageContaining("'hh' is not an output of graph 'a', expected one of [h, aux]");
        assertThatThrownBy(() -> Surgery.merge(modelA(17, "s"), modelB(17, "s"), Map.of("h", "q"), "a/", "b/"))
                .hasMessageContaining("'q' is not an input of graph 'b', expected one of [z, extra]");
        assertThatThrownBy(() -> Surgery.merge(modelA(17, "s"), modelB(17, "s"), Map.of("h", "z", "aux", "z"), "a/", "b/"))
                .hasMessageContaining("fed twice");
    }

    @Test
    void cutFollowsOuterTensorsReadInsideSubgraphs() throws Exception {
        GraphBuilder g = GraphBuilder.create("branchy", 17);
        OnnxRef x = g.input("x", ElemType.FLOAT, 2);
        OnnxRef cond = g.input("cond", ElemType.BOOL, 1);
        OnnxRef r = g.relu(x);
        g.output(g.sigmoid(x), "other", ElemType.FLOAT, 2);
        GraphProto thenBranch = GraphProto.newBuilder().setName("then")
                .addNode(NodeProto.newBuilder().setOpType("Identity").setName("then_id").addInput(r.name()).addOutput("t"))
                .addOutput(Tensors.valueInfo("t", ElemType.FLOAT, 2L)).build();
        GraphProto elseBranch = GraphProto.newBuilder().setName("else")
                .addNode(NodeProto.newBuilder().setOpType("Neg").setName("else_neg").addInput(r.name()).addOutput("e"))
                .addOutput(Tensors.valueInfo("e", ElemType.FLOAT, 2L)).build();
        OnnxRef y = g.node("If", java.util.List.of(cond), Map.of("then_branch", thenBranch, "else_branch", elseBranch));
        g.output(y, "y", ElemType.FLOAT, 2);

        OnnxModel cut = Surgery.cut(g.build(), "y");
        GraphProto c = cut.proto().getGraph();
        assertThat(c.getNodeList()).extracting(NodeProto::getOpType).containsExactly("Relu", "If", "Identity");
        assertThat(c.getInputList()).extracting(ValueInfoProto::getName).containsExactly("x", "cond");
        float[] in = {1.5f, -2f};
        assertThat((float[]) OrtSupport.run(cut, Map.of("x", in, "cond", new boolean[] {true})).get("y"))
                .containsExactly(1.5f, 0f);
        assertThat((float[]) OrtSupport.run(cut, Map.of("x", in, "cond", new boolean[] {false})).get("y"))
                .containsExactly(-1.5f, -0f);

        // merging renames inside bodies too, so the prefixed model still runs
        GraphBuilder scale = GraphBuilder.create("scale", 17);
        OnnxRef v = scale.input("v", ElemType.FLOAT, 2);
        scale.output(scale.mul(v, scale.constant(2f)), "y", ElemType.FLOAT, 2);
        OnnxModel merged = Surgery.merge(cut, scale.build(), Map.of("y", "v"), "p_", "q_");
        assertThat((float[]) OrtSupport.run(merged, Map.of("p_x", in, "p_cond", new boolean[] {false})).get("q_y"))
                .containsExactly(-3f, -0f);
        assertThat(merged.proto().getGraph().getValueInfoList()).extracting(ValueInfoProto::getName).contains("p_y");
    }
}
