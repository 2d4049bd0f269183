package dev.regula.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OpsetRulesTest {
    @Test
    void reduceMeanWithAxesAttributeIsRefusedFromOpset18() {
        GraphBuilder g = GraphBuilder.create("g", 18);
        OnnxRef x = g.input("x", ElemType.FLOAT, 2, 3);
        assertThatThrownBy(() -> g.node("ReduceMean", List.of(x), Map.of("axes", new long[] {1})))
                .isInstanceOf(OpsetException.class)
                .hasMessageContaining("ReduceMean").hasMessageContaining("opset 18")
                .hasMessageContaining("'axes' as an optional int64 input")
                .satisfies(e -> {
                    assertThat(((OpsetException) e).opType()).isEqualTo("ReduceMean");
                    assertThat(((OpsetException) e).opset()).isEqualTo(18);
                });
        // the same request is the right form at 17
        GraphBuilder g17 = GraphBuilder.create("g", 17);
        OnnxRef x17 = g17.input("x", ElemType.FLOAT, 2, 3);
        assertThat(g17.node("ReduceMean", List.of(x17), Map.of("axes", new long[] {1}))).isNotNull();
    }

    @Test
    void reduceSumAxesFormsAreCheckedBothWays() {
        GraphBuilder g13 = GraphBuilder.create("g", 13);
        OnnxRef x = g13.input("x", ElemType.FLOAT, 2, 3);
        assertThatThrownBy(() -> g13.node("ReduceSum", List.of(x), Map.of("axes", new long[] {1})))
                .isInstanceOf(OpsetException.class).hasMessageContaining("ReduceSum at opset 13");
        GraphBuilder g12 = GraphBuilder.create("g", 12);
        OnnxRef y = g12.input("x", ElemType.FLOAT, 2, 3);
        OnnxRef axes = g12.initializer("axes", new long[] {1}, 1);
        assertThatThrownBy(() -> g12.node("ReduceSum", List.of(y, axes), Map.of()))
                .isInstanceOf(OpsetException.class).hasMessageContaining("starts at opset 13");
    }

    @Test
    void opsMissingFromTheOpsetAreRefused() {
        GraphBuilder g = GraphBuilder.create("g", 8);
        OnnxRef x = g.input("x", ElemType.FLOAT, 2);
        assertThatThrownBy(() -> g.where(x, x, x)).isInstanceOf(OpsetException.class)
                .hasMessageContaining("Where needs opset >= 9").hasMessageContaining("opset 8");
        assertThatThrownBy(() -> g.erf(x)).isInstanceOf(OpsetException.class).hasMessageContaining("Erf needs opset >= 9");
        assertThatThrownBy(() -> g.gemm(x, x, null, 1f, 1f, false, false)).isInstanceOf(OpsetException.class)
                .hasMessageContaining("C is optional from opset 11");
        assertThatThrownBy(() -> g.node("Softmx", List.of(x), Map.of())).isInstanceOf(OpsetException.class)
                .hasMessageContaining("Softmx is not a standard ai.onnx op");
        assertThatThrownBy(() -> GraphBuilder.create("g", 6)).isInstanceOf(OpsetException.class)
                .hasMessageContaining("expected 7 to 21");
        GraphBuilder g11 = GraphBuilder.create("g", 11);
        OnnxRef y = g11.input("y", ElemType.FLOAT, 2);
        assertThatThrownBy(() -> g11.node("Upsample", List.of(y), Map.of())).isInstanceOf(OpsetException.class)
                .hasMessageContaining("deprecated from opset 10");
    }

    @Test
    void softmaxBeforeOpset13OnlyAlongTheLastAxis() {
        GraphBuilder g = GraphBuilder.create("g", 11);
        OnnxRef x3 = g.input("x3", ElemType.FLOAT, 2, 3, 4);
        OnnxRef unknown = g.input("u", ElemType.FLOAT);
        assertThatThrownBy(() -> g.softmax(x3, 1)).isInstanceOf(OpsetException.class)
                .hasMessageContaining("Softmax at opset 11 flattens").hasMessageContaining("rank-3");
        assertThatThrownBy(() -> g.logSoftmax(unknown, 1)).isInstanceOf(OpsetException.class)
                .hasMessageContaining("rank is unknown");
        assertThatThrownBy(() -> g.node("Softmax", List.of(x3), Map.of())).isInstanceOf(OpsetException.class)
                .hasMessageContaining("axis 1");
        assertThat(g.softmax(x3, 2)).isNotNull();
        assertThat(g.softmax(x3, -1)).isNotNull();
        assertThat(g.softmax(unknown, -1)).isNotNull();
        // rank flows through the helpers: MatMul [2,3,4] x [4,5] -> rank 3, so axis 2 is the last one
        OnnxRef h = g.matMul(x3, g.initializer("w", new float[20], 4, 5));
        assertThat(g.rank(h)).hasValue(3);
        assertThat(g.softmax(h, 2)).isNotNull();
        assertThat(GraphBuilder.create("g13", 13)).satisfies(g13 ->
                assertThat(g13.softmax(g13.input("x", ElemType.FLOAT, 2, 3, 4), 1)).isNotNull());
    }

    @Test
    void upgradeIsRefusedWhenAnExistingNodeWouldChange() {
        GraphBuilder g = GraphBuilder.create("old", 11);
        OnnxRef x = g.input("x", ElemType.FLOAT, 2, 3);
        g.output(g.unsqueeze(g.reduceSum(x, new long[] {1}, false), 1), "y", ElemType.FLOAT, 2, 1);
        OnnxModel old = g.build();
        assertThatThrownBy(() -> GraphBuilder.appendTo(old, 13)).isInstanceOf(OpsetException.class)
                .hasMessageContaining("from ai.onnx opset 11 to 13")
                .hasMessageContaining("node 'ReduceSum' (ReduceSum)")
                .hasMessageContaining("and 1 more nodes");
        assertThatThrownBy(() -> GraphBuilder.appendTo(old, 10)).isInstanceOf(OpsetException.class)
                .hasMessageContaining("expected >= 11");
        // 12 keeps both attribute forms valid
        assertThat(GraphBuilder.appendTo(old, 12).opset()).isEqualTo(12);
    }

    @Test
    void softmaxWithDefaultAxisBlocksUpgradePast13() {
        GraphBuilder g = GraphBuilder.create("old", 11);
        OnnxRef x = g.input("x", ElemType.FLOAT, 2, 3, 4);
        g.output(g.node("Softmax", List.of(x), Map.of("axis", 2L)), "ok", ElemType.FLOAT, 2, 3, 4);
        OnnxModel fine = g.build();
        assertThat(GraphBuilder.appendTo(fine, 13).opset()).isEqualTo(13);
        OnnxModel p = OnnxModel.of(fine.proto().toBuilder().setGraph(fine.proto().getGraph().toBuilder()
                .setNode(0, fine.proto().getGraph().getNode(0).toBuilder().clearAttribute())).build());
        assertThatThrownBy(() -> GraphBuilder.appendTo(p, 13)).isInstanceOf(OpsetException.class)
                .hasMessageContaining("Softmax with axis 1 flattens").hasMessageContaining("input rank 3");
    }

    @Test
    void upgradeOfPlainMatMulAddGraphIsAllowedAndRaisesIr() throws Exception {
        GraphBuilder g = GraphBuilder.create("plain", 11);
        OnnxRef x = g.input("x", ElemType.FLOAT, 1, 2);
        OnnxRef y = g.add(g.matMul(x, g.initializer("w", new float[] {1, 2, 3, 4}, 2, 2)), g.constant(1f));
        g.output(y, "y", ElemType.FLOAT, 1, 2);
        OnnxModel old = g.build();
        assertThat(old.proto().getIrVersion()).isEqualTo(6);
        GraphBuilder a = GraphBuilder.appendTo(old, 18);
        OnnxRef s = a.reduceSum(a.existing("y"), new long[] {1}, false);
        a.output(s, "s", ElemType.FLOAT, 1);
        OnnxModel up = a.build();
        assertThat(up.proto().getIrVersion()).isEqualTo(8);
        assertThat(up.proto().getOpsetImportList()).singleElement().satisfies(o -> assertThat(o.getVersion()).isEqualTo(18));
        assertThat(GraphBuilderTest.node(up, "ReduceSum").getInputCount()).isEqualTo(2);
        // x=[1,1]: x@w = [4,6], +1 = [5,7], sum = 12
        Map<String, Object> out = OrtSupport.run(up, Map.of("x", new float[][] {{1f, 1f}}));
        assertThat((float[]) out.get("s")).containsExactly(12f);
    }

    @Test
    void irVersionsFollowTheOnnxReleaseTable() {
        assertThat(Opsets.irVersionFor(7)).isEqualTo(4);
        assertThat(Opsets.irVersionFor(10)).isEqualTo(5);
        assertThat(Opsets.irVersionFor(11)).isEqualTo(6);
        assertThat(Opsets.irVersionFor(13)).isEqualTo(7);
        assertThat(Opsets.irVersionFor(17)).isEqualTo(8);
        assertThat(Opsets.irVersionFor(19)).isEqualTo(9);
        assertThat(Opsets.irVersionFor(21)).isEqualTo(10);
        assertThat(GraphBuilder.create("g").opset()).isEqualTo(17);
    }

    @Test
    void badArgumentsGetClearErrors() {
        GraphBuilder g = GraphBuilder.create("g");
        assertThatThrownBy(() -> g.initializer("w", new float[] {1, 2, 3}, 2, 2))
                .hasMessageContaining("Tensor 'w' has dims [2, 2] (4 elements) but 3 values were given");
        assertThatThrownBy(() -> g.initializer("m", new float[][] {{1, 2}, {3}}))
                .hasMessageContaining("row 1 has 1 values, expected 2");
        assertThatThrownBy(() -> g.input("x", ElemType.FLOAT, 2, 3.5))
                .hasMessageContaining("Dim 1 of 'x' is 3.5 (Double)");
        OnnxRef x = g.input("x2", ElemType.FLOAT, 2);
        assertThatThrownBy(() -> g.input("x2", ElemType.FLOAT, 2)).hasMessageContaining("already uses that name");
        assertThatThrownBy(() -> g.add(x, new OnnxRef("nowhere"))).hasMessageContaining("Tensor 'nowhere' is not in graph 'g'");
        assertThatThrownBy(() -> g.existing("x3")).hasMessageContaining("nearest names: [x2");
        assertThatThrownBy(() -> g.node("Relu", List.of(x), Map.of("alpha", new Object()))).hasMessageContaining(
                "Attribute 'alpha' of Relu");
        assertThatThrownBy(g::build).isInstanceOf(IllegalStateException.class).hasMessageContaining("has no outputs");
        g.output(x, "x2", ElemType.FLOAT, 2);
        assertThatThrownBy(() -> g.output(x, "x2", ElemType.FLOAT, 2)).hasMessageContaining("already has an output");
        assertThatThrownBy(() -> g.removeOutput("zz")).hasMessageContaining("expected one of [x2]");
    }
}
