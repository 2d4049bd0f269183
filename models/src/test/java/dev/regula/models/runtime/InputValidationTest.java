package dev.regula.models.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.regula.models.ElemType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InputValidationTest {
    private static OrtRunner runner;

    @BeforeAll
    static void open() throws Exception {
        runner = OrtRunner.open(TinyModels.classifier().toByteArray(), RunnerOptions.defaults());
    }

    @AfterAll
    static void close() throws Exception {
        runner.close();
    }

    @Test
    void unknownInputNameListsTheExpectedNames() {
        Map<String, Tensor> in = new HashMap<>(OrtRunnerTest.classifierInputs());
        in.put("idz", Tensor.ofLongs(new long[] {1}, 1));
        assertThatThrownBy(() -> runner.run(in))
                .isInstanceOf(InputMismatchException.class)
                .hasMessage("Unknown input name 'idz': expected one of [ids, x], found inputs [ids, idz, x]")
                .satisfies(e -> assertThat(((InputMismatchException) e).input()).isEqualTo("idz"));
    }

    @Test
    void missingInputIsNamed() {
        Map<String, Tensor> in = Map.of("x", Tensor.ofFloats(new float[8], 4, 2));
        assertThatThrownBy(() -> runner.run(in))
                .isInstanceOf(InputMismatchException.class)
                .hasMessage("Missing input 'ids' (ids: int64 [batch]): expected inputs [ids, x], found inputs [x]");
    }

    @Test
    void wrongElementTypeNamesExpectedAndFound() {
        Map<String, Tensor> in = Map.of("ids", Tensor.ofInts(new int[] {0, 1}, 2), "x", Tensor.ofFloats(new float[4], 2, 2));
        assertThatThrownBy(() -> runner.run(in))
                .isInstanceOf(InputMismatchException.class)
                .hasMessage("Input 'ids' has the wrong element type: expected int64, found int32")
                .satisfies(e -> {
                    InputMismatchException m = (InputMismatchException) e;
                    assertThat(m.input()).isEqualTo("ids");
                    assertThat(m.expected()).isEqualTo("int64");
                    assertThat(m.found()).isEqualTo("int32");
                });
    }

    @Test
    void wrongRankNamesExpectedAndFoundShapes() {
        Map<String, Tensor> in = Map.of("ids", Tensor.ofLongs(new long[] {0, 1}, 2), "x", Tensor.ofFloats(new float[4], 4));
        assertThatThrownBy(() -> runner.run(in))
                .isInstanceOf(InputMismatchException.class)
                .hasMessage("Input 'x' has the wrong rank: expected rank 2 [batch, 2], found rank 1 [4]");
    }

    @Test
    void fixedDimensionMustMatchWhileSymbolicAcceptsAnySize() throws Exception {
        Map<String, Tensor> wrong = Map.of("ids", Tensor.ofLongs(new long[] {0, 1}, 2), "x", Tensor.ofFloats(new float[6], 2, 3));
        assertThatThrownBy(() -> runner.run(wrong))
                .isInstanceOf(InputMismatchException.class)
                .hasMessage("Input 'x' has the wrong size on axis 1: expected [batch, 2], found [2, 3]");
        // 'batch' takes any size, including 1 and 0.
        for (int batch : new int[] {1, 7, 0}) {
            Map<String, Tensor> out = runner.run(Map.of("ids", Tensor.ofLongs(new long[batch], batch),
                    "x", Tensor.ofFloats(new float[2 * batch], batch, 2)));
            assertThat(out.get("probs").shape()).containsExactly(batch, 3);
        }
    }

    @Test
    void inputsSharingASymbolicDimensionMustAgree() {
        Map<String, Tensor> in = Map.of("ids", Tensor.ofLongs(new long[] {0, 1, 2}, 3), "x", Tensor.ofFloats(new float[8], 4, 2));
        assertThatThrownBy(() -> runner.run(in))
                .isInstanceOf(InputMismatchException.class)
                .hasMessage("Input 'x' disagrees with input 'ids' on dimension 'batch' (axis 0): "
                        + "expected batch = 3, found batch = 4 in [4, 2]");
    }

    @Test
    void outOfRangeIdsFailInsideOnnxRuntimeWithItsReason() {
        Map<String, Tensor> in = Map.of("ids", Tensor.ofLongs(new long[] {9}, 1), "x", Tensor.ofFloats(new float[2], 1, 2));
        assertThatThrownBy(() -> runner.run(in))
                .isInstanceOf(RunnerException.class)
                .hasMessageStartingWith("ONNX Runtime failed running the model on CPUExecutionProvider: ")
                .hasMessageNotContaining("onnxruntime_src");
    }

    @Test
    void inputWithoutDeclaredShapeAcceptsAnyRankWhileADeclaredScalarDoesNot(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("unknown-rank.onnx");
        Files.write(file, TinyModels.unknownRankPlusScalar().toByteArray());
        // Both ways of opening must find the unknown rank: bytes in memory, and the file streamed.
        for (OrtRunner r : new OrtRunner[] {
                OrtRunner.open(TinyModels.unknownRankPlusScalar().toByteArray(), RunnerOptions.defaults()),
                OrtRunner.open(file, RunnerOptions.defaults())}) {
            try (r) {
                assertThat(r.inputs()).containsExactly(
                        new TensorSpec("x", ElemType.FLOAT, List.of(), List.of(), false),
                        new TensorSpec("s", ElemType.FLOAT, List.of(), List.of(), true));
                assertThat(r.inputs().get(0).toString()).isEqualTo("x: float (any shape)");

                Map<String, Tensor> out = r.run(Map.of("x", Tensor.ofFloats(new float[] {1, 2, 3, 4, 5, 6}, 2, 3),
                        "s", Tensor.ofFloats(new float[] {0.5f})));
                assertThat(out.get("y").shape()).containsExactly(2, 3);
                assertThat(out.get("y").floats()).containsExactly(1.5f, 2.5f, 3.5f, 4.5f, 5.5f, 6.5f);

                Map<String, Tensor> notScalar = Map.of("x", Tensor.ofFloats(new float[] {1}, 1),
                        "s", Tensor.ofFloats(new float[] {0.5f}, 1));
                assertThatThrownBy(() -> r.run(notScalar))
                        .isInstanceOf(InputMismatchException.class)
                        .hasMessageEndingWith("Input 's' has the wrong rank: expected rank 0 [], found rank 1 [1]");
            }
        }
    }
}
