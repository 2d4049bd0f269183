package dev.regula.models;

import static dev.regula.models.OrtSupport.addRow;
import static dev.regula.models.OrtSupport.assertClose;
import static dev.regula.models.OrtSupport.matMul;
import static dev.regula.models.OrtSupport.randomMatrix;
import static dev.regula.models.OrtSupport.randomVector;
import static dev.regula.models.OrtSupport.relu;
import static dev.regula.models.OrtSupport.softmaxRows;
import static org.assertj.core.api.Assertions.assertThat;

import dev.regula.models.onnx.ModelProto;
import dev.regula.models.onnx.NodeProto;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class GraphBuilderTest {
    private static final double TOL = 1e-5;

    @ParameterizedTest
    @ValueSource(ints = {9, 11, 13, 17, 18, 21})
    void softmaxClassifierMatchesJava(int opset) throws Exception {
        float[][] w = randomMatrix(1, 3, 4);
        float[] b = randomVector(2, 4);
        float[][] x = randomMatrix(3, 5, 3);
        GraphBuilder g = GraphBuilder.create("classifier", opset);
        OnnxRef in = g.input("x", ElemType.FLOAT, "batch", 3);
        OnnxRef logits = g.add(g.matMul(in, g.initializer("W", w)), g.initializer("b", b, 4));
        g.output(g.softmax(logits, -1), "probs", ElemType.FLOAT, "batch", 4);
        OnnxModel m = g.build();

        assertThat(m.proto().getIrVersion()).isEqualTo(Opsets.irVersionFor(opset));
        assertThat(m.proto().getOpsetImport(0).getVersion()).isEqualTo(opset);
        float[][] probs = (float[][]) OrtSupport.run(m, Map.of("x", x)).get("probs");
        assertClose(softmaxRows(addRow(matMul(x, w), b)), probs, TOL);
    }

    @ParameterizedTest
    @ValueSource(ints = {11, 17})
    void twoLayerMlpMatchesJava(int opset) throws Exception {
        float[][] w1 = randomMatrix(4, 6, 8);
        float[] b1 = randomVector(5, 8);
        float[][] w2 = randomMatrix(6, 8, 3);
        float[] b2 = randomVector(7, 3);
        float[][] x = randomMatrix(8, 4, 6);
        GraphBuilder g = GraphBuilder.create("mlp", opset);
        OnnxRef in = g.input("x", ElemType.FLOAT, "batch", 6);
        OnnxRef h = g.relu(g.gemm(in, g.initializer("W1", w1), g.initializer("b1", b1, 8)));
        // transB: W2 stored as [out, in], the layout most trainers write
        float[][] w2t = new float[3][8];
        for (int i = 0; i < 8; i++) {
            for (int j = 0; j < 3; j++) {
                w2t[j][i] = w2[i][j];
            }
        }
        OnnxRef logits = g.gemm(h, g.initializer("W2t", w2t), g.initializer("b2", b2, 3), 1f, 1f, false, true);
        g.output(g.softmax(logits, 1), "probs", ElemType.FLOAT, "batch", 3);
        float[][] probs = (float[][]) OrtSupport.run(g.build(), Map.of("x", x)).get("probs");
        assertClose(softmaxRows(addRow(matMul(relu(addRow(matMul(x, w1), b1)), w2), b2)), probs, TOL);
    }

    @ParameterizedTest
    @ValueSource(ints = {10, 11, 13, 17, 18})
    void meanPoolingOverMaskMatchesJavaInEveryReduceForm(int opset) throws Exception {
        GraphBuilder g = GraphBuilder.create("pool", opset);
        OnnxRef hidden = g.input("hidden", ElemType.FLOAT, "batch", "seq", 5);
        OnnxRef mask = g.input("mask", ElemType.INT64, "batch", "seq");
        g.output(Pooling.meanPool(g, hidden, mask), "pooled", ElemType.FLOAT, "batch", 5);
        g.output(g.reduceMean(hidden, new long[] {1}, false), "mean", ElemType.FLOAT, "batch", 5);
        g.output(g.reduceMax(hidden, new long[] {1, 2}, true), "max", ElemType.FLOAT, "batch", 1, 1);
        OnnxModel m = g.build();

        assertThat(node(m, "ReduceSum").getInputCount()).isEqualTo(opset >= 13 ? 2 : 1);
        assertThat(hasAttr(node(m, "ReduceSum"), "axes")).isEqualTo(opset < 13);
        assertThat(node(m, "Unsqueeze").getInputCount()).isEqualTo(opset >= 13 ? 2 : 1);
        assertThat(node(m, "ReduceMean").getInputCount()).isEqualTo(opset >= 18 ? 2 : 1);
        assertThat(hasAttr(node(m, "ReduceMax"), "axes")).isEqualTo(opset < 18);
        assertThat(node(m, "Clip").getInputCount()).isEqualTo(opset >= 11 ? 2 : 1);

        float[][][] h = new float[3][][];
        for (int b = 0; b < 3; b++) {
            h[b] = randomMatrix(10 + b, 4, 5);
        }
        long[][] mk = {{1, 1, 1, 1}, {1, 1, 0, 0}, {0, 0, 0, 0}};
        Map<String, Object> out = OrtSupport.run(m, Map.of("hidden", h, "mask", mk));
        assertClose(Pooling.meanPool(h, mk), (float[][]) out.get("pooled"), TOL);
        long[][] ones = {{1, 1, 1, 1}, {1, 1, 1, 1}, {1, 1, 1, 1}};
        assertClose(Pooling.meanPool(h, ones), (float[][]) out.get("mean"), TOL);
        float[][][] max = (float[][][]) out.get("max");
        for (int b = 0; b < 3; b++) {
            float expected = Float.NEGATIVE_INFINITY;
            for (float[] row : h[b]) {
                for (float v : row) {
                    expected = Math.max(expected, v);
                }
            }
            assertThat(max[b][0][0]).isEqualTo(expected);
        }
    }

    @Test
    void clipWithOnlyAnUpperBoundAndOtherHelpersRun() throws Exception {
        GraphBuilder g = GraphBuilder.create("misc", 17);
        OnnxRef x = g.input("x", ElemType.FLOAT, 2, 3);
        g.output(g.clip(x, null, 0.25f), "clipped", ElemType.FLOAT, 2, 3);
        g.output(g.argMax(x, 1, false), "arg", ElemType.INT64, 2);
        OnnxRef t = g.transpose(g.reshape(x, 3, 2), 1, 0);
        g.output(t, "t", ElemType.FLOAT, 2, 3);
        OnnxRef idx = g.initializer("idx", new long[] {2, 0}, 2);
        g.output(g.gather(x, idx, 1), "gathered", ElemType.FLOAT, 2, 2);
        OnnxRef cond = g.cast(g.relu(x), ElemType.BOOL);
        g.output(g.where(cond, x, g.constant(-7f)), "where", ElemType.FLOAT, 2, 3);
        g.output(g.concat(0, x, x), "cat", ElemType.FLOAT, 4, 3);
        g.output(g.squeeze(g.unsqueeze(x, 0), 0), "sq", ElemType.FLOAT, 2, 3);
        g.output(g.erf(g.tanh(g.sigmoid(x))), "erf", ElemType.FLOAT, 2, 3);
        float[][] in = {{0.5f, -1f, 0.1f}, {2f, 0f, -3f}};
        Map<String, Object> out = OrtSupport.run(g.build(), Map.of("x", in));
        assertClose(new float[][] {{0.25f, -1f, 0.1f}, {0.25f, 0f, -3f}}, (float[][]) out.get("clipped"), 0);
        assertThat((long[]) out.get("arg")).containsExactly(0L, 0L);
        // reshape [2,3] -> [3,2] = [[.5,-1],[.1,2],[0,-3]], transposed -> [[.5,.1,0],[-1,2,-3]]
        assertClose(new float[][] {{0.5f, 0.1f, 0f}, {-1f, 2f, -3f}}, (float[][]) out.get("t"), 0);
        assertClose(new float[][] {{0.1f, 0.5f}, {-3f, 2f}}, (float[][]) out.get("gathered"), 0);
        assertClose(new float[][] {{0.5f, -7f, 0.1f}, {2f, -7f, -7f}}, (float[][]) out.get("where"), 0);
        assertThat((float[][]) out.get("cat")).hasDimensions(4, 3);
        assertClose(in, (float[][]) out.get("sq"), 0);
        float[][] erf = (float[][]) out.get("erf");
        // erf(tanh(sigmoid(0))) = erf(tanh(0.5)) = erf(0.46211716) = 0.4865869 (math.erf)
        assertThat((double) erf[1][1]).isCloseTo(0.4865869, org.assertj.core.data.Offset.offset(1e-5));
    }

    @Test
    void namesStayUniqueWhenAppendingTwice() throws Exception {
        GraphBuilder g = GraphBuilder.create("base", 17);
        OnnxRef x = g.input("x", ElemType.FLOAT, "n", 2);
        g.output(g.add(x, g.initializer("w", new float[] {1f, 2f}, 2)), "y", ElemType.FLOAT, "n", 2);
        OnnxModel m = g.build();
        for (int round = 0; round < 2; round++) {
            GraphBuilder a = GraphBuilder.appendTo(m);
            OnnxRef y = a.existing(round == 0 ? "y" : "z0");
            OnnxRef z = a.mul(a.add(y, a.initializer("w", new float[] {1f, 2f}, 2)), a.constant(2f));
            a.output(z, "z" + round, ElemType.FLOAT, "n", 2);
            m = a.build();
        }
        ModelProto p = m.proto();
        List<String> nodeNames = p.getGraph().getNodeList().stream().map(NodeProto::getName).toList();
        List<String> outputs = p.getGraph().getNodeList().stream().flatMap(n -> n.getOutputList().stream()).toList();
        List<String> inits = p.getGraph().getInitializerList().stream().map(t -> t.getName()).toList();
        assertThat(nodeNames).doesNotHaveDuplicates().contains("Add", "Add_1", "Add_2", "Mul", "Mul_1");
        assertThat(outputs).doesNotHaveDuplicates();
        assertThat(inits).doesNotHaveDuplicates().contains("w", "w_1", "w_2", "const", "const_1");
        assertThat(p.getGraph().getOutputList()).extracting(v -> v.getName()).containsExactly("y", "z0", "z1");
        Map<String, Object> out = OrtSupport.run(m, Map.of("x", new float[][] {{1f, 1f}}));
        // y = x + w = [2,3]; z0 = (y + w) * 2 = [6,10]; z1 = (z0 + w) * 2 = [14,24]
        assertClose(new float[][] {{14f, 24f}}, (float[][]) out.get("z1"), 0);
    }

    @Test
    void appendingKeepsModelFieldsAndCanRemoveOutputs() throws Exception {
        GraphBuilder g = GraphBuilder.create("base", 13);
        OnnxRef x = g.input("x", ElemType.FLOAT, 1, 2);
        g.output(g.relu(x), "r", ElemType.FLOAT, 1, 2);
        ModelProto p = g.build().proto().toBuilder().setDocString("doc").setProducerName("someone").setIrVersion(9)
                .addMetadataProps(dev.regula.models.onnx.StringStringEntryProto.newBuilder().setKey("k").setValue("v"))
                .build();
        GraphBuilder a = GraphBuilder.appendTo(OnnxModel.of(p));
        a.output(a.neg(a.existing("r")), "n", ElemType.FLOAT, 1, 2);
        a.removeOutput("r");
        ModelProto q = a.build().proto();
        assertThat(q.getDocString()).isEqualTo("doc");
        assertThat(q.getProducerName()).isEqualTo("someone");
        assertThat(q.getIrVersion()).isEqualTo(9);
        assertThat(q.getMetadataProps(0).getKey()).isEqualTo("k");
        assertThat(q.getGraph().getOutputList()).extracting(v -> v.getName()).containsExactly("n");
        Map<String, Object> out = OrtSupport.run(OnnxModel.of(q), Map.of("x", new float[][] {{1f, -2f}}));
        assertClose(new float[][] {{-1f, 0f}}, (float[][]) out.get("n"), 0);
    }

    static NodeProto node(OnnxModel m, String op) {
        return m.proto().getGraph().getNodeList().stream().filter(n -> n.getOpType().equals(op)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + op + " node"));
    }

    static boolean hasAttr(NodeProto n, String name) {
        return n.getAttributeList().stream().anyMatch(a -> a.getName().equals(name));
    }
}
