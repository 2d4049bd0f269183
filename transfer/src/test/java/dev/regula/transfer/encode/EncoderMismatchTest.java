package dev.regula.transfer.encode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.regula.models.ElemType;
import dev.regula.transfer.backbone.TinyBackbones;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EncoderMismatchTest {
    private static final TinyBackbones TINY = new TinyBackbones(1);

    @TempDir
    Path dir;

    @Test
    void modelInputsAreReadFromTheGraph() {
        assertThat(ModelInput.of(TINY.text(11))).containsExactly(
                new ModelInput("input_ids", ElemType.INT64, List.of("batch", "seq")),
                new ModelInput("attention_mask", ElemType.INT64, List.of("batch", "seq")));
        assertThat(ModelInput.of(TINY.numeric(11)).get(0).toString()).isEqualTo("x: float[batch, 5]");
    }

    @Test
    void textEncoderOnAFloatModelNamesBothSides() throws Exception {
        try (TextEncoder enc = TextEncoder.open(TinyBackbones.writeTokenizer(dir), 8, true)) {
            assertThatThrownBy(() -> enc.check(ModelInput.of(TINY.numeric(13))))
                    .isInstanceOf(EncoderMismatchException.class)
                    .hasMessageContaining("cannot feed model input(s) [x]")
                    .hasMessageContaining("x: float[batch, 5]")
                    .hasMessageContaining("input_ids, attention_mask, token_type_ids");
        }
    }

    @Test
    void unknownInputNameIsNamed() throws Exception {
        List<ModelInput> inputs = List.of(new ModelInput("input_ids", ElemType.INT64, List.of("b", "s")),
                new ModelInput("pixel_mask", ElemType.INT64, List.of("b", "s")));
        try (TextEncoder enc = TextEncoder.open(TinyBackbones.writeTokenizer(dir), 8, true)) {
            assertThatThrownBy(() -> enc.check(inputs)).hasMessageContaining("[pixel_mask]");
            enc.check(inputs.subList(0, 1)); // a subset of the known inputs is fine
            assertThatThrownBy(() -> enc.check(List.of(new ModelInput("attention_mask", ElemType.INT64, List.of("b", "s")))))
                    .hasMessageContaining("no 'input_ids' input");
        }
    }

    @Test
    void numericEncoderOnATextModelAndWrongWidth() {
        assertThatThrownBy(() -> new NumericEncoder(5).check(ModelInput.of(TINY.text(13))))
                .isInstanceOf(EncoderMismatchException.class)
                .hasMessageContaining("feeds exactly one input").hasMessageContaining("input_ids: int64[batch, seq]")
                .hasMessageContaining("one float [batch, 5] tensor");
        assertThatThrownBy(() -> new NumericEncoder(3).check(ModelInput.of(TINY.numeric(13))))
                .hasMessageContaining("takes vectors of 5 values");
        assertThatThrownBy(() -> new NumericEncoder(5).encodeAll(List.of(new float[5], new float[4])))
                .hasMessageContaining("vector 1 has 4 values, expected 5");
    }

    @Test
    void textLongerThanMaxLengthWithoutTruncationIsAnError() throws Exception {
        try (TextEncoder enc = TextEncoder.open(TinyBackbones.writeTokenizer(dir), 3, false);
             TextEncoder cut = TextEncoder.open(TinyBackbones.writeTokenizer(dir), 3, true)) {
            assertThatThrownBy(() -> enc.encodeAll(List.of("w1", "w1 w2 w3 w4 w5")))
                    .hasMessageContaining("text 1 has 5 tokens, more than maxLength 3");
            assertThat(cut.encodeAll(List.of("w1 w2 w3 w4 w5")).get(0).ids()).containsExactly(1, 2, 3);
        }
        assertThatThrownBy(() -> TextEncoder.open(dir.resolve("missing.json"), 8, true))
                .hasMessageContaining("missing.json").hasMessageContaining("does not exist");
    }
}
