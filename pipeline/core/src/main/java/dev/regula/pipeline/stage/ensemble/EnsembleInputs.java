package dev.regula.pipeline.stage.ensemble;

import com.fasterxml.jackson.databind.JsonNode;
import dev.regula.pipeline.RegulaException;
import dev.regula.pipeline.spec.EnsembleConfig;
import dev.regula.transfer.features.FeatureMatrix;
import dev.regula.transfer.features.FeatureStore;
import dev.regula.transfer.train.TrainedHead;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What an ensemble is built from.
 *
 * @param origin where the section came from, for messages (the spec file, or the command's options)
 * @param section the {@code ensemble:} section
 * @param heads the trained heads, in the order {@code members} defaults to
 */
record EnsembleInputs(String origin, JsonNode section, long seed, FeatureStore store, Map<String, TrainedHead> heads,
                      Consumer<String> log) {
    /** The section, checked against the trained heads' names. */
    EnsembleConfig config() throws RegulaException {
        return EnsembleConfig.parse(origin, section, List.copyOf(heads.keySet()));
    }

    /** A split of the store that the ensemble needs. */
    FeatureMatrix split(String name) throws RegulaException {
        if (!store.splitNames().contains(name)) {
            throw new RegulaException("ensemble: the feature store has no '" + name + "' split; give split." + name
                    + " a fraction > 0");
        }
        return store.split(name);
    }
}
