package dev.regula.models.runtime;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.providers.OrtCUDAProviderOptions;
import java.lang.System.Logger.Level;
import java.nio.file.Path;

/** Creates ONNX Runtime sessions on the requested device, deciding CUDA fallback and error wording. */
final class SessionFactory {
    private static final System.Logger LOG = System.getLogger(OrtRunner.class.getName());

    /** Where the model bytes come from; {@code file} is null for in-memory models. */
    interface Source {
        Path file();

        OrtSession create(OrtEnvironment env, OrtSession.SessionOptions options) throws OrtException;

        /** The serialized model, for reading what ONNX Runtime does not report. */
        java.io.InputStream openStream() throws java.io.IOException;
    }

    /** A created session and what really runs it. */
    record Opened(OrtSession session, Device device, String fallbackReason) {
    }

    /** CUDA could not be used; carries the reason (ONNX Runtime's, trimmed, or the missing driver). */
    private static final class CudaFailure extends Exception {
        private final String reason;

        CudaFailure(String reason, Throwable cause) {
            super(reason, cause);
            this.reason = reason;
        }
    }

    private SessionFactory() {
    }

    static Opened open(OrtEnvironment env, Source source, RunnerOptions options) throws RunnerException {
        switch (options.device()) {
            case CPU:
                return new Opened(createCpu(env, source, options), Device.CPU, null);
            case CUDA:
                try {
                    return new Opened(createCuda(env, source, options), Device.CUDA, null);
                } catch (CudaFailure f) {
                    throw new RuntimeUnavailableException(source.file(), Device.CUDA, f.reason, f.getCause());
                }
            case AUTO:
                try {
                    return new Opened(createCuda(env, source, options), Device.CUDA, null);
                } catch (CudaFailure f) {
                    LOG.log(Level.WARNING, "Device auto: CUDA execution provider unavailable, running on CPU"
                            + (source.file() == null ? "" : " for " + source.file()) + " (" + f.reason + ")");
                    return new Opened(createCpu(env, source, options), Device.CPU, f.reason);
                }
            default:
                throw new IllegalStateException("unreachable: " + options.device());
        }
    }

    private static OrtSession createCpu(OrtEnvironment env, Source source, RunnerOptions options) throws RunnerException {
        try (OrtSession.SessionOptions so = baseOptions(source, options)) {
            return source.create(env, so);
        } catch (OrtException e) {
            throw new RunnerException(source.file(), "ONNX Runtime could not load the model: " + OrtErrors.reason(e), e);
        }
    }

    private static OrtSession createCuda(OrtEnvironment env, Source source, RunnerOptions options)
            throws RunnerException, CudaFailure {
        String noDriver = NvidiaDriver.absentReason();
        if (noDriver != null) {
            // Without a driver the provider cannot start; asking ONNX Runtime anyway only makes its
            // native logger print a load error on stderr.
            throw new CudaFailure(noDriver, null);
        }
        try (OrtSession.SessionOptions so = baseOptions(source, options)) {
            // ONNX Runtime copies provider options into the session options, so they may be closed here.
            try (OrtCUDAProviderOptions cuda = new OrtCUDAProviderOptions(options.cudaDeviceId())) {
                cuda.add("use_tf32", options.cudaTf32() ? "1" : "0");
                so.addCUDA(cuda);
            } catch (OrtException | UnsatisfiedLinkError e) {
                throw new CudaFailure("ONNX Runtime: " + OrtErrors.reason(e), e);
            }
            try {
                return source.create(env, so);
            } catch (OrtException e) {
                // The provider library loaded, yet the session failed: either CUDA could not start
                // (no device, driver too old) or the model itself is bad. A CPU session tells which:
                // createCpu throws the model error itself.
                OrtSession probe = createCpu(env, source, options);
                try {
                    probe.close();
                } catch (OrtException closing) {
                    e.addSuppressed(closing);
                }
                throw new CudaFailure("ONNX Runtime: " + OrtErrors.reason(e), e);
            }
        }
    }

    private static OrtSession.SessionOptions baseOptions(Source source, RunnerOptions options) throws RunnerException {
        OrtSession.SessionOptions so = new OrtSession.SessionOptions();
        try {
            so.setOptimizationLevel(options.optimization().ortLevel());
            if (options.intraOpThreads() > 0) {
                so.setIntraOpNumThreads(options.intraOpThreads());
            }
            return so;
        } catch (OrtException e) {
            so.close();
            throw new RunnerException(source.file(), "ONNX Runtime rejected the session options " + options
                    + ": " + OrtErrors.reason(e), e);
        }
    }
}
