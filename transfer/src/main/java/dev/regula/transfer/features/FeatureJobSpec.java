package dev.regula.transfer.features;

import dev.regula.transfer.backbone.FeatureSpec;
import dev.regula.transfer.data.DatasetSpec;
import dev.regula.transfer.data.SplitSpec;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Everything that decides a feature store: which backbone, how its features are pooled, how text
 * is encoded, which data, and how it is split, and the batch size: it decides what a dynamically
 * quantized backbone computes (and the last bits of others). Threads change only how fast the store
 * is made, and do not enter its key.
 *
 * @param backbone backbone source string (file, folder, {@code classpath:}, or Maven coordinates)
 * @param tokenizer tokenizer source string, or {@code null} when the backbone folder has one or the
 *     backbone takes numeric vectors
 * @param feature feature tensor, pooling and L2 normalisation
 * @param maxLength maximum tokens per text
 * @param truncation cut longer texts at {@code maxLength}; when false, a longer text is an error
 * @param data dataset file and fields
 * @param split how the data is split
 * @param extraction batch size, threads, bucketing, progress
 * @param outDir the job writes {@code feature-model.onnx} and {@code store/} here
 * @param cacheDir where backbone files read out of jars are kept
 */
public record FeatureJobSpec(String backbone, String tokenizer, FeatureSpec feature, int maxLength, boolean truncation,
                             DatasetSpec data, SplitSpec split, FeatureExtractorOptions extraction, Path outDir,
                             Path cacheDir) {
    public FeatureJobSpec {
        Objects.requireNonNull(backbone, "backbone");
        Objects.requireNonNull(feature, "feature");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(split, "split");
        Objects.requireNonNull(extraction, "extraction");
        Objects.requireNonNull(outDir, "outDir");
        Objects.requireNonNull(cacheDir, "cacheDir");
        if (maxLength < 1) {
            throw new IllegalArgumentException("max length must be >= 1, got " + maxLength);
        }
    }
}
