package dev.regula.transfer.backbone;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FeatureModelBuilderErrorsTest {
    private static final TinyBackbones TINY = new TinyBackbones(1);
    private static final String SHA = "0".repeat(64);

    @Test
    void unknownTensorNamesTheOutputs() {
        assertThatThrownBy(() -> FeatureModelBuilder.build(TINY.text(13), SHA, "tiny", new FeatureSpec("pooled", Pooling.MEAN, false)))
                .isInstanceOf(BackboneException.class)
                .hasMessageContaining("no tensor 'pooled'").hasMessageContaining("[out]");
    }

    @Test
    void wrongRankForPoolingSaysWhatFits() {
        assertThatThrownBy(() -> FeatureModelBuilder.build(TINY.text(13), SHA, "tiny", new FeatureSpec("out", Pooling.NONE, false)))
                .hasMessageContaining("rank 3").hasMessageContaining("use mean, cls or max pooling");
        assertThatThrownBy(() -> FeatureModelBuilder.build(TINY.numeric(13), SHA, "tiny", new FeatureSpec("y", Pooling.MEAN, false)))
                .hasMessageContaining("rank 2").hasMessageContaining("use pooling none");
    }

    @Test
    void missingMaskInputIsNamed() {
        assertThatThrownBy(() -> FeatureModelBuilder.build(TINY.text(13), SHA, "tiny", new FeatureSpec("out", Pooling.MAX, false, "mask")))
                .hasMessageContaining("graph input 'mask'").hasMessageContaining("[input_ids, attention_mask]");
    }

    @Test
    void aBackboneWithNoOutputsIsRefusedByName() {
        var noOutputs = TINY.text(13).toBuilder();
        noOutputs.getGraphBuilder().clearOutput();
        assertThatThrownBy(() -> FeatureModelBuilder.firstOutput(noOutputs.build(), "tiny"))
                .isInstanceOf(BackboneException.class)
                .hasMessageContaining("backbone source 'tiny'").hasMessageContaining("declares no outputs");
    }

    @Test
    void aFeatureDimBeyondTheCapIsRefusedNotWrapped() {
        for (long dim : new long[] {Long.MAX_VALUE, (1L << 31) + 4, FeatureModelBuilder.MAX_FEATURE_DIM + 1}) {
            var huge = TINY.text(13).toBuilder();
            var shape = huge.getGraphBuilder().getOutputBuilder(0).getTypeBuilder().getTensorTypeBuilder().getShapeBuilder();
            shape.getDimBuilder(shape.getDimCount() - 1).clear().setDimValue(dim);
            assertThatThrownBy(() -> FeatureModelBuilder.build(huge.build(), SHA, "tiny", new FeatureSpec("out", Pooling.MEAN, false)))
                    .isInstanceOf(BackboneException.class)
                    .hasMessageContaining("feature dim of " + dim).hasMessageContaining("expected 1 to 16777216");
        }
    }

    @Test
    void unknownPoolingListsTheChoices() {
        assertThatThrownBy(() -> Pooling.parse("avg")).hasMessageContaining("[mean, cls, max, none]");
    }
}
