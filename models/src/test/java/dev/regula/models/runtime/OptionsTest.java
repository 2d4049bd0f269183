package dev.regula.models.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import org.junit.jupiter.api.Test;

class OptionsTest {

    @Test
    void deviceParsesCaseInsensitivelyAndRejectsOthersClearly() {
        assertThat(Device.parse("cpu")).isEqualTo(Device.CPU);
        assertThat(Device.parse(" CUDA ")).isEqualTo(Device.CUDA);
        assertThat(Device.parse("Auto")).isEqualTo(Device.AUTO);
        assertThatThrownBy(() -> Device.parse("gpu"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Unknown device 'gpu', expected one of cpu, cuda, auto");
        assertThatThrownBy(() -> Device.parse(null)).hasMessage("Unknown device null, expected one of cpu, cuda, auto");
    }

    @Test
    void graphOptimizationMapsToOnnxRuntimeLevels() {
        assertThat(GraphOptimization.parse("none").ortLevel()).isEqualTo(OptLevel.NO_OPT);
        assertThat(GraphOptimization.parse("BASIC").ortLevel()).isEqualTo(OptLevel.BASIC_OPT);
        assertThat(GraphOptimization.parse("extended").ortLevel()).isEqualTo(OptLevel.EXTENDED_OPT);
        assertThat(GraphOptimization.parse("all").ortLevel()).isEqualTo(OptLevel.ALL_OPT);
        assertThatThrownBy(() -> GraphOptimization.parse("max"))
                .hasMessage("Unknown graph optimization level 'max', expected one of none, basic, extended, all");
    }

    @Test
    void runnerOptionsDefaultToCpuAndValidate() {
        RunnerOptions d = RunnerOptions.defaults();
        assertThat(d).isEqualTo(new RunnerOptions(Device.CPU, 0, GraphOptimization.ALL, 0, false));
        RunnerOptions custom = RunnerOptions.builder().device(Device.AUTO).intraOpThreads(2)
                .optimization(GraphOptimization.BASIC).cudaDeviceId(1).cudaTf32(true).build();
        assertThat(custom.toBuilder().build()).isEqualTo(custom);
        assertThatThrownBy(() -> RunnerOptions.builder().intraOpThreads(-1).build())
                .hasMessageContaining("intraOpThreads must be >= 0").hasMessageContaining("-1");
        assertThatThrownBy(() -> RunnerOptions.builder().cudaDeviceId(-2).build())
                .hasMessageContaining("cudaDeviceId must be >= 0, got -2");
        assertThatThrownBy(() -> RunnerOptions.builder().device(null).build()).isInstanceOf(NullPointerException.class);
    }

    @Test
    void onnxRuntimeReasonsLoseTheirSourceLocations() {
        String raw = "Error code - ORT_FAIL - message: /onnxruntime_src/onnxruntime/core/session/provider_bridge_ort.cc:1844 "
                + "onnxruntime::Provider& onnxruntime::ProviderLibrary::Get() [ONNXRuntimeError] : 1 : FAIL : Failed to load "
                + "library libonnxruntime_providers_cuda.so with error: libcublasLt.so.12: cannot open shared object file\n";
        assertThat(OrtErrors.reason(new Exception(raw))).isEqualTo("Failed to load library libonnxruntime_providers_cuda.so "
                + "with error: libcublasLt.so.12: cannot open shared object file");
        assertThat(OrtErrors.reason(new Exception("Error code - ORT_EP_FAIL - message: Failed to find CUDA shared provider")))
                .isEqualTo("Failed to find CUDA shared provider");
        assertThat(OrtErrors.reason(new Exception((String) null))).isEqualTo("Exception");
    }
}
