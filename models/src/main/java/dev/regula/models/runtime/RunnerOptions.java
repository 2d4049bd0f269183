package dev.regula.models.runtime;

import java.util.Objects;

/**
 * How an {@link OrtRunner} opens its session.
 *
 * @param device           where to run; {@link Device#AUTO} falls back to CPU when CUDA cannot load
 * @param intraOpThreads   threads ONNX Runtime may use inside one operator; 0 leaves ONNX Runtime's default
 * @param optimization     graph optimization level applied when the session is created
 * @param cudaDeviceId     CUDA device ordinal; ignored unless CUDA is attempted
 * @param cudaTf32         whether CUDA may use TF32 tensor cores for float32 matrix products. Off by
 *                         default, because TF32 keeps 10 mantissa bits and would break CPU-vs-CUDA parity
 *                         at the tolerances Regula checks; ignored unless CUDA is attempted
 */
public record RunnerOptions(Device device, int intraOpThreads, GraphOptimization optimization,
                            int cudaDeviceId, boolean cudaTf32) {

    public RunnerOptions {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(optimization, "optimization");
        if (intraOpThreads < 0) {
            throw new IllegalArgumentException("intraOpThreads must be >= 0 (0 = ONNX Runtime default), got " + intraOpThreads);
        }
        if (cudaDeviceId < 0) {
            throw new IllegalArgumentException("cudaDeviceId must be >= 0, got " + cudaDeviceId);
        }
    }

    /** CPU, ONNX Runtime's default thread count, all graph optimizations, CUDA device 0, no TF32. */
    public static RunnerOptions defaults() {
        return builder().build();
    }

    /** Shorthand for the defaults with another device. */
    public static RunnerOptions on(Device device) {
        return builder().device(device).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these options. */
    public Builder toBuilder() {
        return new Builder().device(device).intraOpThreads(intraOpThreads).optimization(optimization)
                .cudaDeviceId(cudaDeviceId).cudaTf32(cudaTf32);
    }

    /** Mutable builder; {@link #build()} validates. */
    public static final class Builder {
        private Device device = Device.CPU;
        private int intraOpThreads;
        private GraphOptimization optimization = GraphOptimization.ALL;
        private int cudaDeviceId;
        private boolean cudaTf32;

        private Builder() {
        }

        public Builder device(Device device) {
            this.device = device;
            return this;
        }

        public Builder intraOpThreads(int threads) {
            this.intraOpThreads = threads;
            return this;
        }

        public Builder optimization(GraphOptimization optimization) {
            this.optimization = optimization;
            return this;
        }

        public Builder cudaDeviceId(int id) {
            this.cudaDeviceId = id;
            return this;
        }

        public Builder cudaTf32(boolean allow) {
            this.cudaTf32 = allow;
            return this;
        }

        public RunnerOptions build() {
            return new RunnerOptions(device, intraOpThreads, optimization, cudaDeviceId, cudaTf32);
        }
    }
}
