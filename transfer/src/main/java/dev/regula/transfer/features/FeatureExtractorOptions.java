package dev.regula.transfer.features;

/**
 * How a {@link FeatureExtractor} runs.
 *
 * @param batchSize examples per ONNX Runtime call
 * @param intraOpThreads ONNX Runtime intra-op threads; 0 lets ONNX Runtime choose (one per core)
 * @param bucketByLength sort examples by length before batching, so each batch pads only to its own
 *     longest example; results come back in the original order either way
 * @param progress show a progress bar (console) or periodic log lines
 */
public record FeatureExtractorOptions(int batchSize, int intraOpThreads, boolean bucketByLength, boolean progress) {
    public FeatureExtractorOptions {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
        }
        if (intraOpThreads < 0) {
            throw new IllegalArgumentException("intraOpThreads must be >= 0 (0 = ONNX Runtime's choice), got " + intraOpThreads);
        }
    }

    /** Batches of 32, bucketed by length, ONNX Runtime's thread count, progress shown. */
    public static FeatureExtractorOptions defaults() {
        return new FeatureExtractorOptions(32, 0, true, true);
    }

    public FeatureExtractorOptions withBatchSize(int n) {
        return new FeatureExtractorOptions(n, intraOpThreads, bucketByLength, progress);
    }

    public FeatureExtractorOptions withIntraOpThreads(int n) {
        return new FeatureExtractorOptions(batchSize, n, bucketByLength, progress);
    }

    public FeatureExtractorOptions withBucketByLength(boolean b) {
        return new FeatureExtractorOptions(batchSize, intraOpThreads, b, progress);
    }

    public FeatureExtractorOptions withProgress(boolean b) {
        return new FeatureExtractorOptions(batchSize, intraOpThreads, bucketByLength, b);
    }
}
