package dev.regula.models.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DeviceSelectionTest {
    private final List<LogRecord> logged = new ArrayList<>();
    private final Logger logger = Logger.getLogger(OrtRunner.class.getName());
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            synchronized (logged) {
                logged.add(record);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void captureLog() {
        logger.addHandler(capture);
    }

    @AfterEach
    void releaseLog() {
        logger.removeHandler(capture);
    }

    @Test
    void autoFallsBackToCpuWithOneLogLineWhenCudaCannotLoad() throws Exception {
        assumeTrue(CudaProbe.unavailableReason().isPresent(), "CUDA works here; the fallback cannot be observed");
        try (OrtRunner runner = OrtRunner.open(TinyModels.classifier().toByteArray(), RunnerOptions.on(Device.AUTO))) {
            assertThat(runner.activeDevice()).isEqualTo(Device.CPU);
            assertThat(runner.activeProvider()).isEqualTo("CPUExecutionProvider");
            assertThat(runner.fallbackReason()).hasValueSatisfying(reason -> assertThat(reason)
                    .isNotBlank().doesNotContain("onnxruntime_src").doesNotContain("\n"));
            assertThat(logged).hasSize(1);
            LogRecord line = logged.get(0);
            assertThat(line.getLevel()).isEqualTo(Level.WARNING);
            assertThat(line.getMessage())
                    .startsWith("Device auto: CUDA execution provider unavailable, running on CPU")
                    .contains(runner.fallbackReason().orElseThrow());
            // And it really runs.
            assertThat(runner.run(OrtRunnerTest.classifierInputs()).get("probs").shape()).containsExactly(4, 3);
        }
        assertThat(logged).hasSize(1);
    }

    @Test
    void cudaFailsWithTheProviderAndOnnxRuntimesReasonWhenItCannotLoad() {
        assumeTrue(CudaProbe.unavailableReason().isPresent(), "CUDA works here");
        assertThatThrownBy(() -> OrtRunner.open(TinyModels.classifier().toByteArray(), RunnerOptions.on(Device.CUDA)))
                .isInstanceOf(RuntimeUnavailableException.class)
                .hasMessageStartingWith("The CUDA execution provider could not be loaded (")
                .satisfies(e -> {
                    RuntimeUnavailableException u = (RuntimeUnavailableException) e;
                    assertThat(u.device()).isEqualTo(Device.CUDA);
                    // without a driver ONNX Runtime is not asked at all; with one, its own reason is given
                    String noDriver = NvidiaDriver.absentReason();
                    if (noDriver != null) {
                        assertThat(u.reason()).isEqualTo(noDriver);
                    } else {
                        assertThat(u.reason()).startsWith("ONNX Runtime: ");
                    }
                    assertThat(u.reason()).isNotBlank().doesNotContain("onnxruntime_src");
                    assertThat(u.getMessage()).contains(u.reason()).contains("use device 'cpu' or 'auto'");
                });
        assertThat(logged).isEmpty();
    }

    @Test
    void cpuNeverTriesCuda() throws Exception {
        try (OrtRunner runner = OrtRunner.open(TinyModels.add().toByteArray(), RunnerOptions.on(Device.CPU))) {
            assertThat(runner.activeDevice()).isEqualTo(Device.CPU);
            assertThat(runner.fallbackReason()).isEmpty();
        }
        assertThat(logged).isEmpty();
    }

    @Test
    void cudaAndAutoRunOnTheGpuWhenItWorksAndAgreeWithCpu() throws Exception {
        assumeTrue(CudaProbe.unavailableReason().isEmpty(), () -> "CUDA unavailable: " + CudaProbe.unavailableReason().orElse(""));
        byte[] model = TinyModels.classifier().toByteArray();
        Map<String, Tensor> inputs = OrtRunnerTest.classifierInputs();
        Map<String, Tensor> cpu;
        try (OrtRunner runner = OrtRunner.open(model, RunnerOptions.on(Device.CPU))) {
            cpu = runner.run(inputs);
        }
        for (RunnerOptions options : List.of(RunnerOptions.on(Device.CUDA), RunnerOptions.on(Device.AUTO),
                RunnerOptions.builder().device(Device.CUDA).cudaDeviceId(0).cudaTf32(true).build())) {
            try (OrtRunner runner = OrtRunner.open(model, options)) {
                assertThat(runner.activeDevice()).as("%s", options).isEqualTo(Device.CUDA);
                assertThat(runner.activeProvider()).isEqualTo("CUDAExecutionProvider");
                assertThat(runner.fallbackReason()).isEmpty();
                ParityReport report = Parity.within(1e-5, 1e-4).withArgmax("probs").compare(cpu, runner.run(inputs));
                assertThat(report.passed()).as(report.toJson()).isTrue();
            }
        }
        assertThat(logged).isEmpty();
    }
}
