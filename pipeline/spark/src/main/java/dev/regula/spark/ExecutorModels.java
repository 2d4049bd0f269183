package dev.regula.spark;

import dev.regula.transfer.backbone.BackboneException;
import dev.regula.transfer.backbone.FeatureModel;
import dev.regula.transfer.features.FeatureExtractor;
import dev.regula.transfer.features.FeatureExtractorException;
import dev.regula.transfer.features.FeatureExtractorOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.broadcast.Broadcast;

/**
 * What each executor JVM keeps across tasks: one ONNX Runtime session per feature model (keyed by
 * the model's sha256 and the options), and the tokenizer written once to a local file. Tasks of one
 * executor share the session; ONNX Runtime sessions are safe to run from several threads.
 */
final class ExecutorModels {
    private static final Map<String, FeatureExtractor> EXTRACTORS = new ConcurrentHashMap<>();
    private static final Map<String, Path> TOKENIZERS = new ConcurrentHashMap<>();

    private ExecutorModels() {
    }

    /** The JVM's session for the broadcast model, opened on first use. */
    static FeatureExtractor extractor(String sha256, Broadcast<byte[]> model, FeatureExtractorOptions options) {
        return EXTRACTORS.computeIfAbsent(sha256 + "/" + options, k -> {
            try {
                FeatureModel m = FeatureModel.fromBytes(model.value());
                if (!m.sha256().equals(sha256)) {
                    throw new IllegalStateException("the broadcast feature model hashes " + m.sha256() + ", expected " + sha256);
                }
                return FeatureExtractor.open(m, options);
            } catch (BackboneException | FeatureExtractorException e) {
                throw new IllegalStateException("cannot open the feature model on this executor: " + e.getMessage(), e);
            }
        });
    }

    /** The broadcast tokenizer as a file on this executor (TextEncoder reads a path), written once. */
    static Path tokenizer(String sha256, Broadcast<byte[]> bytes) {
        return TOKENIZERS.computeIfAbsent(sha256, k -> {
            try {
                Path f = Files.createTempFile("regula-tokenizer-" + sha256.substring(0, 12) + "-", ".json");
                f.toFile().deleteOnExit();
                Files.write(f, bytes.value());
                return f;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the tokenizer on this executor: " + e.getMessage(), e);
            }
        });
    }
}
