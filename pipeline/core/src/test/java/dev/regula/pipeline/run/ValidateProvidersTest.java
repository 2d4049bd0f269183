package dev.regula.pipeline.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import dev.regula.pipeline.RegulaException;
import dev.regula.pipeline.stage.Pipeline;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code validate.providers}: CPU always, CUDA when asked for (explicit: must run; auto: skipped with
 * the reason when it cannot). One work folder; each test changes only the validate section, so only
 * validate reruns.
 */
@SuppressWarnings("unchecked")
class ValidateProvidersTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void inputs() throws Exception {
        TinyPipeline.writeInputs(dir, 11);
    }

    private static Path spec(String providers) throws Exception {
        return TinyPipeline.writeSpec(dir, TinyPipeline.spec().replace("  latency_samples: 5\n",
                "  latency_samples: 5\n  providers: " + providers + "\n"));
    }

    private static JsonNode validateReport() throws Exception {
        return Json.MAPPER.readTree(dir.resolve("work/validate/report.json").toFile());
    }

    private static RunResult run(Path spec, List<String> log) throws Exception {
        return Pipeline.run(new RunRequest(spec, dir.resolve("work"), null, false, log::add));
    }

    @Test
    void cpuOnlyRunsCpuAndRecordsItsParityAndTimings() throws Exception {
        run(spec("cpu"), new ArrayList<>());
        JsonNode r = validateReport();
        assertThat(r.get("providers")).extracting(JsonNode::asText).containsExactly("CPUExecutionProvider");
        assertThat(r.has("providers_skipped")).isFalse();
        assertThat(r.at("/parity_by_provider/cpu/max_abs_error").asDouble()).isLessThan(1e-4);
        assertThat(r.at("/parity_by_provider/cpu/argmax_agreement").asDouble()).isEqualTo(1.0);
        assertThat(r.at("/parity_by_provider/cpu/label_agreement").asDouble()).isEqualTo(1.0);
        assertThat(r.at("/parity/max_abs_error").asDouble()).isEqualTo(r.at("/parity_by_provider/cpu/max_abs_error").asDouble());
        Map<String, Object> t = Json.read(dir.resolve("work/validate/manifest.json"), Manifest.class).timings();
        assertThat((Map<String, Object>) t.get("cpu")).containsKeys("latency_ms_p50", "latency_ms_p95", "throughput_per_second")
                .containsEntry("provider", "CPUExecutionProvider");
        assertThat(t).doesNotContainKey("cuda");
    }

    @Test
    void autoSkipsAnUnavailableCudaWithItsReason() throws Exception {
        assumeTrue(cudaUnavailable().isPresent(), "CUDA works here; the skip cannot be observed");
        List<String> log = new ArrayList<>();
        run(spec("auto"), log);
        JsonNode r = validateReport();
        assertThat(r.get("providers")).extracting(JsonNode::asText).containsExactly("CPUExecutionProvider");
        assertThat(r.at("/providers_skipped/cuda").asText()).isNotBlank();
        assertThat(r.at("/parity_by_provider").fieldNames()).toIterable().containsExactly("cpu");
        assertThat(log.stream().filter(l -> l.startsWith("validate: cuda skipped"))).hasSize(1);
    }

    @Test
    void anExplicitCudaThatCannotRunFailsNamingTheKey() throws Exception {
        assumeTrue(cudaUnavailable().isPresent(), "CUDA works here");
        Path spec = spec("[cpu, cuda]");
        assertThatThrownBy(() -> run(spec, new ArrayList<>())).isInstanceOf(RegulaException.class)
                .hasMessageStartingWith("validate.providers: cuda was asked for but cannot run here: ")
                .hasMessageEndingWith("(providers: auto skips it when unavailable)");
        assertThat(dir.resolve("work/.staging")).isEmptyDirectory();
    }

    @Test
    void cudaRunsWithTf32OffAndAgreesWithTheReference() throws Exception {
        assumeTrue(cudaUnavailable().isEmpty(), () -> "CUDA unavailable: " + cudaUnavailable().orElse(""));
        run(TinyPipeline.writeSpec(dir, Files.readString(spec("[cpu, cuda]")).replace("  providers:", "  cuda_tf32: false\n  providers:")),
                new ArrayList<>());
        JsonNode r = validateReport();
        assertThat(r.get("providers")).extracting(JsonNode::asText).containsExactly("CPUExecutionProvider", "CUDAExecutionProvider");
        assertThat(r.get("cuda_tf32").asBoolean()).isFalse();
        assertThat(r.at("/parity_by_provider/cuda/max_abs_error").asDouble()).isLessThan(1e-4);
        assertThat(r.at("/parity_by_provider/cuda/argmax_agreement").asDouble()).isEqualTo(1.0);
        assertThat((Map<String, Object>) Json.read(dir.resolve("work/validate/manifest.json"), Manifest.class).timings().get("cuda"))
                .containsKeys("latency_ms_p50", "throughput_per_second");
    }

    private static Optional<String> unavailable;

    /** Why CUDA cannot run here, asked of ONNX Runtime directly (not of the code under test); empty when it can. */
    static synchronized Optional<String> cudaUnavailable() {
        if (unavailable == null) {
            if (!OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA)) {
                unavailable = Optional.of("no CUDA provider in this ONNX Runtime build");
            } else {
                try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
                    so.addCUDA(0);
                    try (OrtSession s = OrtEnvironment.getEnvironment().createSession(
                            Files.readAllBytes(dir.resolve("numeric.onnx")), so)) {
                        unavailable = Optional.empty();
                    }
                } catch (OrtException | java.io.IOException | UnsatisfiedLinkError e) {
                    unavailable = Optional.of(String.valueOf(e.getMessage()));
                }
            }
        }
        return unavailable;
    }
}
