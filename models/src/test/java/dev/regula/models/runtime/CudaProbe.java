package dev.regula.models.runtime;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import java.util.Optional;

/**
 * Tells tests whether CUDA really works here, using ONNX Runtime directly (not the code under test):
 * the provider must be in the build, load, and start a session.
 */
final class CudaProbe {
    private static Optional<String> unavailable;

    private CudaProbe() {
    }

    /** Why CUDA cannot be used on this machine, or empty when it can. */
    static synchronized Optional<String> unavailableReason() {
        if (unavailable == null) {
            unavailable = probe();
        }
        return unavailable;
    }

    private static Optional<String> probe() {
        if (!OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA)) {
            return Optional.of("this ONNX Runtime build has no CUDA provider");
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            so.addCUDA(0);
            try (OrtSession session = env.createSession(TinyModels.add().toByteArray(), so)) {
                return Optional.empty();
            }
        } catch (OrtException e) {
            return Optional.of(String.valueOf(e.getMessage()));
        }
    }
}
