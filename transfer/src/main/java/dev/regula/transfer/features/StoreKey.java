package dev.regula.transfer.features;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What a feature store was computed from. A store is up to date when all three match.
 *
 * @param backboneSha256 hash of the backbone model
 * @param dataSha256 hash of the dataset
 * @param encoderConfig encoder settings (pooling, max length, ...), JSON-serializable values; kept sorted
 */
public record StoreKey(String backboneSha256, String dataSha256, Map<String, Object> encoderConfig) {
    public StoreKey {
        if (backboneSha256 == null || backboneSha256.isBlank()) {
            throw new IllegalArgumentException("backboneSha256 is required");
        }
        if (dataSha256 == null || dataSha256.isBlank()) {
            throw new IllegalArgumentException("dataSha256 is required");
        }
        encoderConfig = Collections.unmodifiableSortedMap(new TreeMap<>(encoderConfig == null ? Map.of() : encoderConfig));
        encoderConfig.forEach((k, v) -> Objects.requireNonNull(v, () -> "encoderConfig value for '" + k + "' is null"));
    }
}
