package dev.regula.transfer.head;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import java.util.List;
import org.junit.jupiter.api.Test;

class HeadSpecTest {

    @Test
    void validatesInItsConstructor() {
        assertThat(HeadSpec.mlp(HeadActivation.TANH, 8, 4).widths(10, 3)).containsExactly(10, 8, 4, 3);
        assertThat(HeadSpec.linear().widths(10, 2)).containsExactly(10, 2);
        assertThat(new HeadSpec(HeadSpec.Kind.MLP, List.of(5), null).activation()).isEqualTo(HeadActivation.RELU);
        assertThatThrownBy(() -> new HeadSpec(HeadSpec.Kind.MLP, List.of(), HeadActivation.RELU))
                .hasMessageContaining("hidden_sizes: an mlp head needs at least one hidden size");
        assertThatThrownBy(() -> new HeadSpec(HeadSpec.Kind.LINEAR, List.of(3), null))
                .hasMessageContaining("a linear head has no hidden layers");
        assertThatThrownBy(() -> HeadSpec.mlp(HeadActivation.GELU, 4, 0)).hasMessageContaining("hidden_sizes[1]: must be > 0, got 0");
        assertThatThrownBy(() -> HeadActivation.of("sigmoid")).hasMessageContaining("expected one of [relu, gelu, tanh]");
    }

    @Test
    void inferenceBlockComputesSoftmaxOfTheLayersByHand() {
        // One hidden tanh unit: h = tanh(1·x0 − 1·x1), logits = [2h, −h + 0.5].
        List<LayerWeights> layers = List.of(
                new LayerWeights(new float[][] {{1, -1}}, new float[] {0}),
                new LayerWeights(new float[][] {{2}, {-1}}, new float[] {0, 0.5f}));
        try (NDManager m = NDManager.newBaseManager()) {
            Block block = HeadBlocks.inferenceBlock(m, layers, HeadActivation.TANH);
            NDArray p = HeadBlocks.predict(block, m, m.create(new float[][] {{0.3f, -0.2f}}));
            double h = Math.tanh(0.5);
            double z0 = 2 * h;
            double z1 = -h + 0.5;
            double p0 = Math.exp(z0) / (Math.exp(z0) + Math.exp(z1));
            float[] got = p.toFloatArray();
            assertThat((double) got[0]).isCloseTo(p0, org.assertj.core.api.Assertions.within(1e-6));
            assertThat((double) got[1]).isCloseTo(1 - p0, org.assertj.core.api.Assertions.within(1e-6));
        }
    }
}
