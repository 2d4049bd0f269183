package dev.regula.pipeline.spec;

import dev.regula.transfer.backbone.FeatureSpec;
import dev.regula.transfer.backbone.Pooling;
import dev.regula.transfer.head.HeadSpec;
import dev.regula.transfer.regularize.RegularizationSpec;
import dev.regula.transfer.train.TrainingSpec;
import java.util.Objects;

/** The typed sections of a {@link PipelineSpec}; see docs/pipeline.md for every key and default. */
public final class Sections {
    private Sections() {
    }

    /**
     * {@code backbone:} where the model and tokenizer come from and how features are taken.
     *
     * @param model backbone source with relative paths already resolved (file, folder, jar entry, {@code classpath:}, Maven coordinates)
     * @param tokenizer tokenizer source, resolved likewise, or {@code null}
     * @param featureTensor tensor to pool, or {@code null} for the backbone's first output
     */
    public record Backbone(String model, String tokenizer, String featureTensor, Pooling pooling, boolean l2Normalize,
                           String maskInput, int maxLength, boolean truncation) {
        public Backbone {
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(pooling, "pooling");
            maskInput = maskInput == null ? FeatureSpec.DEFAULT_MASK_INPUT : maskInput;
        }
    }

    /** {@code split:} train/val/test fractions and whether groups stay together. */
    public record Split(double train, double val, double test, boolean grouped) {
    }

    /**
     * {@code features:} extraction settings. Threads change only the speed; the batch size (0:
     * automatic) decides a dynamically quantized backbone's features and the last bits of others'.
     */
    public record Features(int batchSize, int threads) {
    }

    /**
     * One entry of {@code heads:}.
     *
     * @param name unique name, used as the head's folder under {@code train/}
     */
    public record Head(String name, HeadSpec head, RegularizationSpec regularization, TrainingSpec training) {
        public Head {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(head, "head");
            Objects.requireNonNull(regularization, "regularization");
            Objects.requireNonNull(training, "training");
        }
    }

    /**
     * {@code export:} which trained model becomes {@code model.onnx}.
     *
     * @param head {@code best} (lowest validation NLL), a head's name, or {@code soup} (the
     *     ensemble's soup member alone, when {@code ensemble.soup} is given)
     */
    public record Export(String head) {
        /** The name that picks the ensemble's soup member. */
        public static final String SOUP = "soup";

        /** Whether {@code model.onnx} is the ensemble's soup member alone (a spec with an ensemble section). */
        public boolean soup() {
            return SOUP.equals(head);
        }
    }

    /** {@code validate.gates:}; a null gate is off. */
    public record Gates(Double minAccuracy, Double maxParityError, Double maxGeneralizationGap) {
    }

    /**
     * {@code validate:} how the exported model is checked on ONNX Runtime.
     *
     * @param parityAtol absolute tolerance of the ORT-vs-Java parity check
     * @param parityRtol relative tolerance of the parity check
     * @param latencySamples test examples timed one at a time (batch 1)
     * @param throughputBatch batch size of the throughput run
     * @param providers execution providers to run, in order: {@code [auto]} (CPU, then CUDA when it loads),
     *     or explicit {@code cpu} / {@code cuda} entries (an explicit {@code cuda} that cannot run fails the stage)
     * @param cudaTf32 whether CUDA may use TF32 for float32 matrix products (off: full float32, for parity)
     */
    public record Validate(double parityAtol, double parityRtol, int latencySamples, int throughputBatch,
                           java.util.List<Provider> providers, boolean cudaTf32, Gates gates) {
        public Validate {
            Objects.requireNonNull(gates, "gates");
            providers = java.util.List.copyOf(providers);
            if (providers.isEmpty()) {
                throw new IllegalArgumentException("providers: needs at least one entry");
            }
        }
    }

    /** One entry of {@code validate.providers}. */
    public enum Provider {
        /** ONNX Runtime's CPU execution provider. */
        CPU,
        /** The CUDA execution provider; the stage fails when it cannot run. */
        CUDA,
        /** CPU, then CUDA when its provider loads (skipped, with the reason recorded, when it does not). */
        AUTO;

        public String key() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** Parses {@code cpu}, {@code cuda} or {@code auto}. */
        public static Provider parse(String s) {
            for (Provider p : values()) {
                if (p.key().equals(s == null ? null : s.strip().toLowerCase(java.util.Locale.ROOT))) {
                    return p;
                }
            }
            throw new IllegalArgumentException("unknown provider '" + s + "', expected cpu, cuda or auto");
        }
    }
}
