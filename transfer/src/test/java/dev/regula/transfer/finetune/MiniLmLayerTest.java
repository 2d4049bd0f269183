package dev.regula.transfer.finetune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.regula.models.ElemType;
import dev.regula.models.GraphBuilder;
import dev.regula.models.OnnxModel;
import dev.regula.models.ReadOptions;
import dev.regula.models.runtime.OrtRunner;
import dev.regula.models.runtime.RunnerOptions;
import dev.regula.models.runtime.Tensor;
import dev.regula.transfer.backbone.Backbone;
import dev.regula.transfer.backbone.FeatureModel;
import dev.regula.transfer.backbone.FeatureModelBuilder;
import dev.regula.transfer.backbone.FeatureSpec;
import dev.regula.transfer.backbone.Pooling;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real all-MiniLM-L6-v2 (opset 11): its layers are found from node names, and the interpreted
 * last layer, fed the hidden states ONNX Runtime computes at the cut, gives ORT's last_hidden_state.
 */
class MiniLmLayerTest {
    private static final String OUTPUT = "last_hidden_state";
    private static final int BATCH = 2;
    private static final int SEQ = 16;

    static OnnxModel model;

    @BeforeAll
    static void load() throws Exception {
        try (InputStream in = MiniLmLayerTest.class.getResourceAsStream("/all-minilm-l6-v2.onnx")) {
            assertThat(in).as("all-minilm-l6-v2.onnx on the test class path").isNotNull();
            model = OnnxModel.read(in, "all-minilm-l6-v2.onnx", ReadOptions.defaults());
        }
    }

    @Test
    void layersAreFoundFromNodeNames() throws Exception {
        List<TransformerLayer> layers = LayerBoundaries.detect(model.proto().getGraph());
        assertThat(layers).extracting(TransformerLayer::index).containsExactly(0, 1, 2, 3, 4, 5);
        assertThat(layers).extracting(TransformerLayer::prefix).startsWith("/encoder/layer.0/").endsWith("/encoder/layer.5/");
        assertThat(layers.get(0).input()).isEqualTo("/embeddings/LayerNorm/Add_1_output_0");
        for (int k = 1; k < 6; k++) {
            assertThat(layers.get(k).input()).isEqualTo("/encoder/layer." + (k - 1) + "/output/LayerNorm/Add_1_output_0");
        }
        assertThat(LayerBoundaries.cutBeforeLast(model.proto().getGraph(), 1)).isEqualTo("/encoder/layer.4/output/LayerNorm/Add_1_output_0");
        assertThat(LayerBoundaries.cutBeforeLast(model.proto().getGraph(), 6)).isEqualTo("/embeddings/LayerNorm/Add_1_output_0");
        assertThatThrownBy(() -> LayerBoundaries.cutBeforeLast(model.proto().getGraph(), 7))
                .isInstanceOf(InterpreterException.class).hasMessageContaining("it has 6").hasMessageContaining("expected 1..6");
    }

    @Test
    void graphWithoutLayerNamesIsRefused() {
        assertThatThrownBy(() -> LayerBoundaries.detect(TinyTransformer.build(1).proto().getGraph()))
                .isInstanceOf(InterpreterException.class).hasMessageContaining("name the cut tensor");
    }

    @Test
    void interpretedLastLayersMatchOnnxRuntime() throws Exception {
        for (int n : new int[] {1, 2}) {
            String cut = LayerBoundaries.cutBeforeLast(model.proto().getGraph(), n);
            Map<String, Tensor> inputs = inputs(17);
            Map<String, Tensor> ort = ortWithCut(cut, inputs);
            float[] hidden = ort.get(cut).floats();
            try (NDManager root = Engine.getInstance().newBaseManager();
                 OnnxInterpreter interp = OnnxInterpreter.create(model, List.of(cut), List.of(OUTPUT), InterpreterOptions.defaults(), root);
                 NDManager batch = root.newSubManager()) {
                // The layer needs the attention mask too: the subgraph reaches back to the graph input through the mask bias.
                assertThat(interp.feeds()).containsExactly(cut, "attention_mask");
                assertThat(interp.parameters()).hasSize(16 * n);
                Map<String, NDArray> out = interp.forward(batch, Map.of(
                        cut, batch.create(hidden, new Shape(BATCH, SEQ, 384)),
                        "attention_mask", batch.create(inputs.get("attention_mask").longs(), new Shape(BATCH, SEQ))));
                double diff = OnnxInterpreterTest.maxAbsDiff(out.get(OUTPUT).toFloatArray(), ort.get(OUTPUT).floats());
                assertThat(diff).as("last %d layers, max |interpreted - ORT|", n).isLessThanOrEqualTo(1e-4);
            }
        }
    }

    @Test
    void wholeGraphMatchesOnnxRuntime() throws Exception {
        Map<String, Tensor> inputs = inputs(23);
        Map<String, Tensor> ort;
        try (OrtRunner runner = OrtRunner.open(model, RunnerOptions.defaults())) {
            ort = runner.run(inputs);
        }
        try (NDManager root = Engine.getInstance().newBaseManager();
             OnnxInterpreter interp = OnnxInterpreter.create(model, InterpreterOptions.defaults(), root);
             NDManager batch = root.newSubManager()) {
            Map<String, NDArray> feeds = new HashMap<>();
            inputs.forEach((k, v) -> feeds.put(k, batch.create(v.longs(), new Shape(v.shape()))));
            Map<String, NDArray> out = interp.forward(batch, feeds);
            assertThat(OnnxInterpreterTest.maxAbsDiff(out.get(OUTPUT).toFloatArray(), ort.get(OUTPUT).floats())).isLessThanOrEqualTo(1e-4);
        }
    }

    /**
     * The feature model (backbone + mean pooling + L2 as ONNX nodes) interpreted from the cut to its
     * pooled output: only the last layer's initializers train, the pooling constants stay fixed.
     */
    @Test
    void pooledFeaturesFromTheCutMatchOnnxRuntime(@TempDir Path cache) throws Exception {
        Backbone backbone = Backbone.load("classpath:/all-minilm-l6-v2.onnx", "classpath:/all-minilm-l6-v2-tokenizer.json", cache);
        FeatureModel features = FeatureModelBuilder.build(backbone, new FeatureSpec(OUTPUT, Pooling.MEAN, true));
        OnnxModel fm = OnnxModel.of(features.proto());
        List<TransformerLayer> layers = LayerBoundaries.detect(fm.proto().getGraph());
        TransformerLayer last = layers.get(layers.size() - 1);
        Set<String> trainable = LayerBoundaries.initializersOf(fm.proto().getGraph(), List.of(last));
        assertThat(trainable).hasSize(16).allMatch(n -> n.startsWith("encoder.layer.5.") || n.startsWith("onnx::MatMul_"));
        Map<String, Tensor> inputs = inputs(29);
        Map<String, Tensor> ort = ortWithCut(fm, last.input(), inputs);
        try (NDManager root = Engine.getInstance().newBaseManager();
             OnnxInterpreter interp = OnnxInterpreter.create(fm, List.of(last.input()), List.of(FeatureModel.OUTPUT),
                     InterpreterOptions.defaults().withTrainable(trainable::contains), root);
             NDManager batch = root.newSubManager()) {
            assertThat(interp.parameters().keySet()).isEqualTo(trainable);
            NDArray pooled = interp.forward(batch, Map.of(
                    last.input(), batch.create(ort.get(last.input()).floats(), new Shape(BATCH, SEQ, 384)),
                    "attention_mask", batch.create(inputs.get("attention_mask").longs(), new Shape(BATCH, SEQ)))).get(FeatureModel.OUTPUT);
            assertThat(pooled.getShape()).isEqualTo(new Shape(BATCH, 384));
            assertThat(OnnxInterpreterTest.maxAbsDiff(pooled.toFloatArray(), ort.get(FeatureModel.OUTPUT).floats())).isLessThanOrEqualTo(1e-5);
        }
    }

    private static Map<String, Tensor> ortWithCut(String cut, Map<String, Tensor> inputs) throws Exception {
        return ortWithCut(model, cut, inputs);
    }

    private static Map<String, Tensor> ortWithCut(OnnxModel model, String cut, Map<String, Tensor> inputs) throws Exception {
        GraphBuilder g = GraphBuilder.appendTo(model);
        g.output(g.existing(cut), cut, ElemType.FLOAT);
        try (OrtRunner runner = OrtRunner.open(g.build(), RunnerOptions.defaults())) {
            return runner.run(inputs);
        }
    }

    /** Random word pieces after [CLS], the second row padded after 9 tokens. */
    private static Map<String, Tensor> inputs(long seed) {
        Random rnd = new Random(seed);
        long[] ids = new long[BATCH * SEQ];
        long[] mask = new long[BATCH * SEQ];
        for (int b = 0; b < BATCH; b++) {
            int len = b == 0 ? SEQ : 9;
            for (int t = 0; t < SEQ; t++) {
                int i = b * SEQ + t;
                ids[i] = t == 0 ? 101 : t == len - 1 ? 102 : t < len ? 1000 + rnd.nextInt(28000) : 0;
                mask[i] = t < len ? 1 : 0;
            }
        }
        return Map.of("input_ids", Tensor.ofLongs(ids, BATCH, SEQ), "attention_mask", Tensor.ofLongs(mask, BATCH, SEQ),
                "token_type_ids", Tensor.ofLongs(new long[BATCH * SEQ], BATCH, SEQ));
    }
}
