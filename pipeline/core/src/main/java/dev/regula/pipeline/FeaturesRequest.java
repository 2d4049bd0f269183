package dev.regula.pipeline;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A request to extract and cache backbone features for a dataset: what {@code regula features}
 * and the Maven plugin's features goal map their options to.
 *
 * @param backbone backbone source (path, folder, {@code classpath:}, or Maven coordinates {@code g:a:v!/entry})
 * @param tokenizer tokenizer source, or {@code null} (a backbone folder's own tokenizer.json, or none)
 * @param featureTensor tensor to pool, or {@code null} for the backbone's first output
 * @param pooling {@code mean}, {@code cls}, {@code max} or {@code none}
 * @param l2Normalize divide each feature vector by its L2 norm
 * @param maskInput the attention-mask input read by mean and max pooling, or {@code null} for {@code attention_mask}
 * @param maxLength maximum tokens per text
 * @param truncation cut texts longer than {@code maxLength}
 * @param data dataset file or folder
 * @param format {@code jsonl}, {@code csv}, {@code folders}, {@code numeric-csv}, {@code numeric-jsonl}, or {@code null} to guess from the file name
 * @param textField text field or column
 * @param labelField label field or column
 * @param groupField group field, or {@code null}
 * @param splitField field naming each row's split, or {@code null} for a seeded stratified split
 * @param badRows {@code fail} or {@code skip}
 * @param fractions train, val and test fractions
 * @param grouped keep each group in one split
 * @param seed split seed
 * @param batchSize examples per backbone call (0: automatic, 1 for dynamically quantized backbones, else 16)
 * @param threads CPU threads, run as that many single-threaded batches at once (0: one per core)
 * @param progress show progress
 * @param out output folder
 */
public record FeaturesRequest(String backbone, String tokenizer, String featureTensor, String pooling, boolean l2Normalize,
                              String maskInput, int maxLength, boolean truncation, Path data, String format, String textField,
                              String labelField, String groupField, String splitField, String badRows,
                              List<Double> fractions, boolean grouped, long seed, int batchSize, int threads,
                              boolean progress, Path out) {
    public FeaturesRequest {
        Objects.requireNonNull(backbone, "backbone");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(out, "out");
        fractions = List.copyOf(fractions);
    }
}
