package dev.regula.transfer.features;

/**
 * How a {@link FeatureExtractor} runs.
 *
 * @param batchSize examples per ONNX Runtime call; {@link #AUTO_BATCH} lets the extractor choose: 1 for
 *     dynamically quantized models, whose per-tensor scales would couple the examples of a batch,
 *     else {@link #FLOAT_BATCH}
 * @param intraOpThreads ONNX Runtime intra-op threads; 0 lets ONNX Runtime choose (one per core)
 * @param bucketByLength sort examples by length before batching, so each batch pads only to its own
 *     longest example; results come back in the original order either way
 * @param progress show a progress bar (console) or periodic log lines
 * @param concurrentBatches batches run at the same time on the one session; more than 1 pays off
 *     with small batches (e.g. batch size 1 for dynamically quantized models, whose per-tensor
 *     scales would otherwise couple the examples of a batch), best with {@code intraOpThreads}
 *     times {@code concurrentBatches} near the core count
 */
public record FeatureExtractorOptions(int batchSize, int intraOpThreads, boolean bucketByLength, boolean progress,
                                      int concurrentBatches) {
    /** Batch size 0: chosen by the extractor from the model. */
    public static final int AUTO_BATCH = 0;
    /**
     * The automatic batch size of models that do not quantize dynamically. On the 2-core development
     * machine MiniLM ran ~10% faster at 16 than at 32 (docs/pipeline.md, {@code features.batch_size}).
     */
    public static final int FLOAT_BATCH = 16;

    public FeatureExtractorOptions {
        if (concurrentBatches < 1) {
            throw new IllegalArgumentException("concurrentBatches must be >= 1, got " + concurrentBatches);
        }
        if (batchSize < 0) {
            throw new IllegalArgumentException("batchSize must be >= 1, or 0 for automatic, got " + batchSize);
        }
        if (intraOpThreads < 0) {
            throw new IllegalArgumentException("intraOpThreads must be >= 0 (0 = ONNX Runtime's choice), got " + intraOpThreads);
        }
    }

    public FeatureExtractorOptions(int batchSize, int intraOpThreads, boolean bucketByLength, boolean progress) {
        this(batchSize, intraOpThreads, bucketByLength, progress, 1);
    }

    /**
     * Automatic batch size, batches bucketed by length, one single-threaded ONNX Runtime run per available core,
     * progress shown. Measured on a shared 2-core machine (benchmarks/run features), independent
     * single-threaded runs beat one run with a multi-threaded pool, whose threads spin and wait on
     * each other when other processes hold the cores.
     */
    public static FeatureExtractorOptions defaults() {
        return new FeatureExtractorOptions(AUTO_BATCH, 1, true, true, Runtime.getRuntime().availableProcessors());
    }

    /**
     * Uses {@code n} CPU threads in all, as {@code n} single-threaded runs at once ({@code 0}: one per
     * available core). The features do not depend on it: each run is single-threaded.
     */
    public FeatureExtractorOptions withThreads(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("threads must be >= 0 (0 = one per core), got " + n);
        }
        return new FeatureExtractorOptions(batchSize, 1, bucketByLength, progress,
                n == 0 ? Runtime.getRuntime().availableProcessors() : n);
    }

    public FeatureExtractorOptions withBatchSize(int n) {
        return new FeatureExtractorOptions(n, intraOpThreads, bucketByLength, progress, concurrentBatches);
    }

    public FeatureExtractorOptions withIntraOpThreads(int n) {
        return new FeatureExtractorOptions(batchSize, n, bucketByLength, progress, concurrentBatches);
    }

    public FeatureExtractorOptions withBucketByLength(boolean b) {
        return new FeatureExtractorOptions(batchSize, intraOpThreads, b, progress, concurrentBatches);
    }

    public FeatureExtractorOptions withProgress(boolean b) {
        return new FeatureExtractorOptions(batchSize, intraOpThreads, bucketByLength, b, concurrentBatches);
    }

    public FeatureExtractorOptions withConcurrentBatches(int n) {
        return new FeatureExtractorOptions(batchSize, intraOpThreads, bucketByLength, progress, n);
    }
}
