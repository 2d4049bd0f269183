package dev.regula.models.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.regula.models.ElemType;
import dev.regula.models.OnnxModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OrtRunnerTest {
    private static final long[] IDS = {0, 3, 2, 1};
    private static final float[] X = {0.1f, 0.2f, -1f, 0.5f, 2f, -0.25f, 0.75f, 1.5f};

    @Test
    void addRunsBatchedOnCpuAndMatchesJavaArithmetic() throws Exception {
        float[] a = {1f, 2f, 3f, -4f, 0.5f, 1e-3f};
        float[] b = {0.25f, -2f, 10f, 4f, 0.125f, 7f};
        try (OrtRunner runner = OrtRunner.open(TinyModels.add().toByteArray(), RunnerOptions.defaults())) {
            Map<String, Tensor> out = runner.run(Map.of("a", Tensor.ofFloats(a, 2, 3), "b", Tensor.ofFloats(b, 2, 3)));

            assertThat(runner.activeDevice()).isEqualTo(Device.CPU);
            assertThat(runner.activeProvider()).isEqualTo("CPUExecutionProvider");
            assertThat(out).containsOnlyKeys("sum");
            Tensor sum = out.get("sum");
            assertThat(sum.type()).isEqualTo(ElemType.FLOAT);
            assertThat(sum.shape()).containsExactly(2, 3);
            float[] expected = new float[a.length];
            for (int i = 0; i < a.length; i++) {
                expected[i] = a[i] + b[i];
            }
            assertThat(sum.floats()).containsExactly(expected);
        }
    }

    @Test
    void classifierTakesBatchedInt64AndFloatInputsAndMatchesJavaArithmetic() throws Exception {
        try (OrtRunner runner = OrtRunner.open(OnnxModel.of(TinyModels.classifier()), RunnerOptions.defaults())) {
            Map<String, Tensor> out = runner.run(classifierInputs());

            assertThat(out.keySet()).containsExactly("probs", "label");
            double[][] expected = TinyModels.classifierProbs(IDS, X);
            float[] probs = out.get("probs").floats();
            assertThat(out.get("probs").shape()).containsExactly(4, 3);
            long[] labels = out.get("label").longs();
            assertThat(out.get("label").type()).isEqualTo(ElemType.INT64);
            assertThat(out.get("label").shape()).containsExactly(4);
            for (int r = 0; r < 4; r++) {
                int best = 0;
                for (int c = 0; c < 3; c++) {
                    assertThat((double) probs[3 * r + c]).as("probs[%d][%d]", r, c).isCloseTo(expected[r][c], within(1e-6));
                    best = expected[r][c] > expected[r][best] ? c : best;
                }
                assertThat(labels[r]).as("label[%d]", r).isEqualTo(best);
            }
        }
    }

    @Test
    void reportsInputAndOutputMetadata() throws Exception {
        try (OrtRunner runner = OrtRunner.open(TinyModels.classifier().toByteArray(), RunnerOptions.defaults())) {
            assertThat(runner.inputs()).containsExactly(
                    new TensorSpec("ids", ElemType.INT64, List.of(-1L), List.of("batch")),
                    new TensorSpec("x", ElemType.FLOAT, List.of(-1L, 2L), List.of("batch", "")));
            assertThat(runner.outputs()).containsExactly(
                    new TensorSpec("probs", ElemType.FLOAT, List.of(-1L, 3L), List.of("batch", "")),
                    new TensorSpec("label", ElemType.INT64, List.of(-1L), List.of("batch")));
            assertThat(runner.inputs().get(1).toString()).isEqualTo("x: float [batch, 2]");
            assertThat(runner.file()).isNull();
            assertThat(runner.fallbackReason()).isEmpty();
        }
    }

    @Test
    void outputsAreCopiedOutAndOutliveTheRunner() throws Exception {
        Map<String, Tensor> out;
        float[] before;
        try (OrtRunner runner = OrtRunner.open(TinyModels.classifier().toByteArray(), RunnerOptions.defaults())) {
            out = runner.run(classifierInputs());
            before = out.get("probs").floats();
        }
        // The session and every native value are gone; the tensors still read the same numbers.
        assertThat(out.get("probs").floats()).containsExactly(before);
        before[0] = 42f;
        assertThat(out.get("probs").floats()[0]).isNotEqualTo(42f);
        assertThat(out.get("label").longs()).hasSize(4);
    }

    @Test
    void runAfterCloseFailsAndCloseIsIdempotent() throws Exception {
        OrtRunner runner = OrtRunner.open(TinyModels.add().toByteArray(), RunnerOptions.defaults());
        runner.close();
        runner.close();
        Map<String, Tensor> in = Map.of("a", Tensor.ofFloats(new float[3], 1, 3), "b", Tensor.ofFloats(new float[3], 1, 3));
        assertThatThrownBy(() -> runner.run(in)).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void opensFromAFileAndNamesTheFileInErrors(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("classifier.onnx");
        Files.write(file, TinyModels.classifier().toByteArray());
        try (OrtRunner runner = OrtRunner.open(file, RunnerOptions.builder().intraOpThreads(1)
                .optimization(GraphOptimization.NONE).build())) {
            assertThat(runner.file()).isEqualTo(file);
            double[][] expected = TinyModels.classifierProbs(IDS, X);
            assertThat((double) runner.run(classifierInputs()).get("probs").floats()[0]).isCloseTo(expected[0][0], within(1e-6));
            Map<String, Tensor> wrongType = Map.of("ids", Tensor.ofFloats(new float[4], 4), "x", Tensor.ofFloats(X, 4, 2));
            assertThatThrownBy(() -> runner.run(wrongType)).hasMessageStartingWith(file.toString());
        }
    }

    @Test
    void missingOrCorruptModelsFailWithTheFileAndReason(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("nope.onnx");
        assertThatThrownBy(() -> OrtRunner.open(missing, RunnerOptions.defaults()))
                .isInstanceOf(RunnerException.class)
                .hasMessage(missing + ": model file does not exist");
        assertThatThrownBy(() -> OrtRunner.open(dir, RunnerOptions.defaults()))
                .isInstanceOf(RunnerException.class).hasMessageContaining("is not a regular file");

        Path corrupt = dir.resolve("corrupt.onnx");
        Files.writeString(corrupt, "this is not a protobuf model");
        assertThatThrownBy(() -> OrtRunner.open(corrupt, RunnerOptions.defaults()))
                .isInstanceOf(RunnerException.class)
                .hasMessageStartingWith(corrupt + ": ONNX Runtime could not load the model: ")
                .satisfies(e -> assertThat(((RunnerException) e).file()).isEqualTo(corrupt));
        assertThatThrownBy(() -> OrtRunner.open(new byte[0], RunnerOptions.defaults()))
                .isInstanceOf(RunnerException.class).hasMessageContaining("model bytes are empty");
    }

    @Test
    void boolAndInt32TensorsRoundTrip() throws Exception {
        try (OrtRunner runner = OrtRunner.open(TinyModels.boolAndInt().toByteArray(), RunnerOptions.defaults())) {
            Map<String, Tensor> out = runner.run(Map.of(
                    "flags", Tensor.ofBooleans(new boolean[] {true, false, false}, 3),
                    "counts", Tensor.ofInts(new int[] {1, -7, Integer.MAX_VALUE}, 3)));
            assertThat(out.get("flipped").booleans()).containsExactly(false, true, true);
            assertThat(out.get("negated").ints()).containsExactly(-1, 7, -Integer.MAX_VALUE);
        }
    }

    @Test
    void concurrentRunsGiveTheSameResults() throws Exception {
        try (OrtRunner runner = OrtRunner.open(TinyModels.classifier().toByteArray(), RunnerOptions.defaults())) {
            Map<String, Tensor> expected = runner.run(classifierInputs());
            List<Thread> threads = new java.util.ArrayList<>();
            List<Throwable> failures = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
            for (int t = 0; t < 4; t++) {
                threads.add(new Thread(() -> {
                    try {
                        for (int i = 0; i < 25; i++) {
                            assertThat(runner.run(classifierInputs())).isEqualTo(expected);
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }));
            }
            threads.forEach(Thread::start);
            for (Thread t : threads) {
                t.join();
            }
            assertThat(failures).isEmpty();
        }
    }

    static Map<String, Tensor> classifierInputs() {
        return Map.of("ids", Tensor.ofLongs(IDS, 4), "x", Tensor.ofFloats(X, 4, 2));
    }
}
