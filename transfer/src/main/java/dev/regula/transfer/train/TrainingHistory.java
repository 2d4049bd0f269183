package dev.regula.transfer.train;

import dev.regula.models.AtomicFiles;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.regula.transfer.io.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Per-epoch history of a training run and the epoch whose weights were kept.
 *
 * @param epochs one record per epoch run
 * @param bestEpoch 1-based epoch whose weights the result holds (the last one without early stopping)
 * @param stoppedEarly whether early stopping ended the run before the configured epochs
 */
public record TrainingHistory(
        @JsonProperty("epochs") List<EpochRecord> epochs,
        @JsonProperty("best_epoch") int bestEpoch,
        @JsonProperty("stopped_early") boolean stoppedEarly) {


    public TrainingHistory {
        epochs = List.copyOf(epochs);
        if (bestEpoch < 1 || bestEpoch > epochs.size()) {
            throw new IllegalArgumentException("best_epoch " + bestEpoch + " outside 1.." + epochs.size());
        }
    }

    /** The record of the kept epoch. */
    public EpochRecord best() {
        return epochs.get(bestEpoch - 1);
    }

    /** Writes the history as JSON, atomically (temp file in the same folder, then move). */
    public void writeJson(Path file) throws IOException {
        AtomicFiles.write(file, out -> Json.INDENTED.writeValue(out, this));
    }

    /** Reads a history written by {@link #writeJson}. */
    public static TrainingHistory readJson(Path file) throws IOException {
        return Json.INDENTED.readValue(file.toFile(), TrainingHistory.class);
    }
}
