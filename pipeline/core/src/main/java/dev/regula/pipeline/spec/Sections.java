package dev.regula.pipeline.spec;

import dev.regula.transfer.backbone.FeatureSpec;
import dev.regula.transfer.backbone.Pooling;
import dev.regula.transfer.quantize.QuantizeSpec;
import dev.regula.transfer.encode.TextEncoder;
import dev.regula.transfer.head.HeadSpec;
import dev.regula.transfer.regularize.RegularizationSpec;
import dev.regula.transfer.train.TrainingSpec;
import dev.regula.transfer.tune.SearchSpace;
import dev.regula.transfer.tune.TuneSpec;
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
     * @param quantize {@code backbone.quantize}: int8 quantization of the imported backbone, or {@code null} for none
     */
    public record Backbone(String model, String tokenizer, String featureTensor, Pooling pooling, boolean l2Normalize,
                           String maskInput, int maxLength, boolean truncation, QuantizeSpec quantize, Unfreeze unfreeze) {
        /** {@code max_length} when the spec, a CLI option or an import does not say (the encoder's default). */
        public static final int DEFAULT_MAX_LENGTH = TextEncoder.DEFAULT_MAX_LENGTH;

        public Backbone {
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(pooling, "pooling");
            maskInput = maskInput == null ? FeatureSpec.DEFAULT_MASK_INPUT : maskInput;
        }

        /** A frozen backbone ({@code unfreeze} absent). */
        public Backbone(String model, String tokenizer, String featureTensor, Pooling pooling, boolean l2Normalize,
                        String maskInput, int maxLength, boolean truncation, QuantizeSpec quantize) {
            this(model, tokenizer, featureTensor, pooling, l2Normalize, maskInput, maxLength, truncation, quantize, null);
        }
    }

    /**
     * {@code backbone.unfreeze}: fine-tune the top of the backbone with the one head (see docs/pipeline.md).
     *
     * @param layers how many of the last transformer layers train, or null when {@code cut} names the tensor
     * @param cut the hidden-state tensor to cut at, or null to find it from {@code layers}
     * @param schedule {@code lp_ft} (the head first on frozen features for its {@code training.epochs}, then
     *     head and layers together) or {@code joint} (together from the start)
     * @param epochs epochs of the phase that trains the layers
     * @param learningRate Adam learning rate of the layers (the head keeps its {@code training.learning_rate})
     * @param l2Sp L2-SP strength toward the pretrained weights of the layers
     * @param l2 plain L2 (toward 0) on the layers
     * @param hiddenDropout dropout on the hidden states entering the layers
     * @param patience epochs without a lower validation NLL before a phase stops
     * @param cacheDtype how the features stage stores the hidden states at the cut
     */
    public record Unfreeze(Integer layers, String cut, dev.regula.transfer.finetune.FineTuneSpec.Schedule schedule, int epochs,
                           double learningRate, double l2Sp, double l2, double hiddenDropout, int patience,
                           dev.regula.transfer.finetune.HiddenStateCache.Precision cacheDtype) {
        public Unfreeze {
            Objects.requireNonNull(schedule, "schedule");
            Objects.requireNonNull(cacheDtype, "cacheDtype");
            if ((layers == null) == (cut == null)) {
                throw new IllegalArgumentException("exactly one of layers and cut, got " + (layers == null ? "neither" : "both"));
            }
        }
    }

    /** {@code split:} train/val/test fractions and whether groups stay together. */
    public record Split(double train, double val, double test, boolean grouped) {
    }

    /**
     * {@code features:} extraction settings. Threads change only the speed; the batch size (0:
     * automatic) decides a dynamically quantized backbone's features and the last bits of others'.
     */
    public record Features(int batchSize, int threads, String kind, dev.regula.transfer.lexical.LexicalSpec lexical,
                           Hybrid hybrid) {
        /** Today's features: the backbone's pooled output. */
        public static final String NEURAL = "neural";
        /** A TF-IDF over the tokenizer's id n-grams alone, fitted on the train split (no transformer run). */
        public static final String LEXICAL = "lexical";
        /** {@code [neural * neural_scale | lexical * lexical_scale]}: both blocks, one exported graph. */
        public static final String HYBRID = "hybrid";

        public Features {
            java.util.Objects.requireNonNull(kind, "kind");
            if (LEXICAL.equals(kind) || HYBRID.equals(kind)) {
                java.util.Objects.requireNonNull(lexical, "lexical");
            }
            if (HYBRID.equals(kind)) {
                java.util.Objects.requireNonNull(hybrid, "hybrid");
            }
        }

        /** Features of {@code kind} without a hybrid section (neural or lexical). */
        public Features(int batchSize, int threads, String kind, dev.regula.transfer.lexical.LexicalSpec lexical) {
            this(batchSize, threads, kind, lexical, null);
        }

        /** Neural features with these extraction settings. */
        public Features(int batchSize, int threads) {
            this(batchSize, threads, NEURAL, null, null);
        }

        public boolean lexicalKind() {
            return LEXICAL.equals(kind);
        }

        public boolean hybridKind() {
            return HYBRID.equals(kind);
        }

        /** Whether a TF-IDF block is fitted on train (lexical or hybrid). */
        public boolean fitsLexical() {
            return lexicalKind() || hybridKind();
        }
    }

    /**
     * {@code features.hybrid:} factors on each block before they are concatenated (the head sees
     * {@code [neural * neuralScale | lexical * lexicalScale]}; both blocks are L2-normalised, so 1 and 1
     * give them equal norm).
     */
    public record Hybrid(double neuralScale, double lexicalScale) {
        public Hybrid {
            if (!(neuralScale > 0) || !(lexicalScale > 0) || Double.isInfinite(neuralScale) || Double.isInfinite(lexicalScale)) {
                throw new IllegalArgumentException("features.hybrid scales must be finite and > 0, got neural_scale "
                        + neuralScale + ", lexical_scale " + lexicalScale);
            }
        }

        /** Both blocks as they are. */
        public static Hybrid defaults() {
            return new Hybrid(1, 1);
        }
    }

    /**
     * One entry of {@code heads:}.
     *
     * @param name unique name, used as the head's folder under {@code train/}
     */
    public record Head(String name, HeadSpec head, RegularizationSpec regularization, TrainingSpec training, Search search) {
        public Head {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(head, "head");
            Objects.requireNonNull(regularization, "regularization");
            Objects.requireNonNull(training, "training");
        }

        /** A head with fixed values only (trained as written). */
        public Head(String name, HeadSpec head, RegularizationSpec regularization, TrainingSpec training) {
            this(name, head, regularization, training, null);
        }

        /** Whether the tune stage searches this head (it has a range or {@code regularization: auto}). */
        public boolean tuned() {
            return search != null;
        }
    }

    /**
     * What a head searches: its ranges, or the default space of {@code regularization: auto}. The
     * head's {@link Head#regularization()} and {@link Head#training()} are then the base every trial
     * changes only the searched knobs of (a searched key holds a placeholder there: its range's
     * first value, or 0 for a path).
     *
     * @param space the searched knobs and their ranges, in the order written
     * @param auto whether the space is {@code regularization: auto}'s default for the head's kind
     * @param baseline whether the values written beside {@code auto: true} for knobs of the default
     *     space are evaluated as one extra trial, which the verdicts then judge
     */
    public record Search(SearchSpace space, boolean auto, boolean baseline) {
        public Search {
            Objects.requireNonNull(space, "space");
        }
    }

    /**
     * {@code tune:} how tuned heads are searched (see docs/pipeline.md).
     *
     * @param strategy null for {@code auto} (chosen per head: {@link #strategyFor}), else the strategy for every tuned head
     * @param perHead strategies by head name ({@code strategy: {mlp: grid}}), before {@code strategy}; others auto
     * @param trials configurations drawn by random and halving
     * @param folds stratified folds on train+val, 0 = the fixed val split (grouped folds need group ids per row, which
 *     the feature store does not keep yet)
     * @param rule selection rule
     * @param refit retrain the winner on train+val; null = true when {@code folds > 0}
     * @param eta halving reduction factor
     * @param minEpochs halving minimum resource, null = {@code max(1, round(epochs/eta²))}
     * @param gridPoints points per continuous range in a grid
     * @param threads trials trained at once, 0 = one per core (changes only the speed)
     */
    public record Tune(TuneSpec.Strategy strategy, java.util.Map<String, TuneSpec.Strategy> perHead, int trials, int folds,
                       TuneSpec.Rule rule, Boolean refit, int eta, Integer minEpochs, int gridPoints, int threads) {
        public Tune {
            Objects.requireNonNull(rule, "rule");
            perHead = perHead == null ? java.util.Map.of() : java.util.Map.copyOf(perHead);
        }

        public Tune(TuneSpec.Strategy strategy, int trials, int folds, TuneSpec.Rule rule, Boolean refit, int eta,
                    Integer minEpochs, int gridPoints, int threads) {
            this(strategy, null, trials, folds, rule, refit, eta, minEpochs, gridPoints, threads);
        }

        /** Defaults: strategy auto, 24 trials, 5 folds, one_se, refit, eta 3, 5 grid points, one thread per core. */
        public static Tune defaults() {
            return new Tune(null, 24, 5, TuneSpec.Rule.ONE_SE, null, 3, null, 5, 0);
        }

        /** The strategy for a head's search: the configured one, or for {@code auto} the one that suits the space. */
        public TuneSpec.Strategy strategyFor(Head h) {
            if (perHead.containsKey(h.name())) {
                return perHead.get(h.name());
            }
            if (strategy != null) {
                return strategy;
            }
            SearchSpace space = h.search().space();
            if (h.search().auto()) {
                return SearchSpace.defaultStrategy(h.head());
            }
            if (space.path() != null) {
                return TuneSpec.Strategy.PATH;
            }
            return space.allChoices() ? TuneSpec.Strategy.GRID : TuneSpec.Strategy.HALVING;
        }

        /** The library's settings for one head, {@code threads} resolved (0: one per core). */
        public TuneSpec specFor(Head h, long seed) {
            int t = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
            return new TuneSpec(strategyFor(h), trials, folds, rule, refit, eta, minEpochs, gridPoints, seed, t);
        }

        /** Whether the winner is retrained on train+val. */
        public boolean refits() {
            return refit != null ? refit : folds > 0;
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

    /**
     * The {@code spark:} section, for the Spark adapter (core runs nothing on Spark): what
     * {@code --engine spark --master URL} says on the command line. A master or property given to
     * {@code spark-submit} or on the command line wins over the spec's.
     *
     * @param master the Spark master URL (e.g. {@code local[2]}), or null for Spark's own default
     * @param appName the application's name, or null for the adapter's default
     * @param conf Spark properties ({@code spark.*}) as strings, in the order written
     */
    public record Spark(String master, String appName, java.util.Map<String, String> conf) {
        public Spark {
            conf = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(conf));
        }
    }
}
