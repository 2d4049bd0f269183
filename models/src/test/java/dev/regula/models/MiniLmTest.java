package dev.regula.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.regula.models.onnx.GraphProto;
import dev.regula.models.onnx.ModelProto;
import dev.regula.models.onnx.ValueInfoProto;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The real all-MiniLM-L6-v2 backbone (IR 6, ai.onnx opset 11), read out of the test-scoped langchain4j jar. */
class MiniLmTest {
    private static OnnxModel backbone;

    // [CLS] hello world [SEP] padded; a full row; [CLS] [SEP] only
    private static final long[][] IDS = {
            {101, 7592, 2088, 102, 0, 0},
            {101, 2023, 2003, 1037, 3231, 102},
            {101, 102, 0, 0, 0, 0}};
    private static final long[][] MASK = {
            {1, 1, 1, 1, 0, 0},
            {1, 1, 1, 1, 1, 1},
            {1, 1, 0, 0, 0, 0}};
    private static final long[][] TYPES = new long[3][6];

    @BeforeAll
    static void load() throws IOException {
        try (InputStream in = MiniLmTest.class.getResourceAsStream("/all-minilm-l6-v2.onnx")) {
            assertThat(in).as("all-minilm-l6-v2.onnx on the test classpath").isNotNull();
            backbone = OnnxModel.of(ModelProto.parseFrom(in.readAllBytes()));
        }
    }

    @Test
    void cutAtLastHiddenStateKeepsEverything() {
        GraphProto full = backbone.proto().getGraph();
        OnnxModel cut = Surgery.cut(backbone, "last_hidden_state");
        GraphProto g = cut.proto().getGraph();
        assertThat(g.getNodeList()).isEqualTo(full.getNodeList());
        assertThat(g.getInitializerCount()).isEqualTo(full.getInitializerCount());
        assertThat(g.getInputList()).isEqualTo(full.getInputList());
        assertThat(g.getOutputList()).extracting(ValueInfoProto::getName).containsExactly("last_hidden_state");
        assertThat(cut.proto().getOpsetImportList()).isEqualTo(backbone.proto().getOpsetImportList());
    }

    @Test
    void meanPoolingAndL2NormAppendedInOpset11MatchJavaOnOrtHiddenStates() throws Exception {
        assertThat(Graphs.defaultOpset(backbone.proto())).isEqualTo(11);
        assertThat(backbone.proto().getIrVersion()).isEqualTo(6);

        GraphBuilder g = GraphBuilder.appendTo(Surgery.cut(backbone, "last_hidden_state"));
        assertThat(g.opset()).isEqualTo(11);
        OnnxRef pooled = Pooling.meanPool(g, g.existing("last_hidden_state"), g.existing("attention_mask"));
        g.output(pooled, "pooled", ElemType.FLOAT, "batch", 384);
        g.output(Pooling.l2Normalize(g, pooled), "embedding", ElemType.FLOAT, "batch", 384);
        g.removeOutput("last_hidden_state");
        OnnxModel embedder = g.build();

        assertThat(Graphs.defaultOpset(embedder.proto())).isEqualTo(11);
        assertThat(embedder.proto().getIrVersion()).isEqualTo(6);
        assertThat(GraphBuilderTest.hasAttr(GraphBuilderTest.node(embedder, "Unsqueeze"), "axes")).isTrue();

        Map<String, Object> feeds = Map.of("input_ids", IDS, "attention_mask", MASK, "token_type_ids", TYPES);
        float[][][] hidden = (float[][][]) OrtSupport.run(backbone, feeds).get("last_hidden_state");
        assertThat(hidden).hasDimensions(3, 6);
        assertThat(hidden[0][0]).hasSize(384);
        Map<String, Object> out = OrtSupport.run(embedder, feeds);
        float[][] expectedPooled = Pooling.meanPool(hidden, MASK);
        OrtSupport.assertClose(expectedPooled, (float[][]) out.get("pooled"), 1e-5);
        float[][] embedding = (float[][]) out.get("embedding");
        OrtSupport.assertClose(Pooling.l2Normalize(expectedPooled), embedding, 1e-5);
        double norm = 0;
        for (float v : embedding[0]) {
            norm += v * v;
        }
        assertThat(Math.sqrt(norm)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
    }

    @Test
    void upgradingTheBackbonePastItsAxesAttributesIsRefused() {
        assertThatThrownBy(() -> GraphBuilder.appendTo(backbone, 13)).isInstanceOf(OpsetException.class)
                .hasMessageContaining("from ai.onnx opset 11 to 13")
                .hasMessageContaining("node '/Unsqueeze' (Unsqueeze)")
                .hasMessageContaining("takes 'axes' as an int64 input (input 1), not as attribute 'axes'");
    }
}
