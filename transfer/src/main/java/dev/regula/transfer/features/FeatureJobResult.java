package dev.regula.transfer.features;

import java.nio.file.Path;
import java.util.Map;

/**
 * What a feature job produced.
 *
 * @param store the feature store folder
 * @param featureModel the ONNX feature model that computed it
 * @param upToDate true when the store already matched and nothing was extracted
 * @param rows examples per split
 * @param dim feature dimension
 * @param labels label names in index order
 * @param extractSeconds wall time spent running the backbone (0 when up to date)
 * @param skippedRows dataset rows skipped under the {@code skip} policy, with reasons
 */
public record FeatureJobResult(Path store, Path featureModel, boolean upToDate, Map<String, Integer> rows, int dim,
                               java.util.List<String> labels, double extractSeconds, String skippedRows) {
    /** Examples per second of backbone time, or 0 when nothing ran. */
    public double examplesPerSecond() {
        int n = rows.values().stream().mapToInt(Integer::intValue).sum();
        return extractSeconds > 0 ? n / extractSeconds : 0;
    }
}
