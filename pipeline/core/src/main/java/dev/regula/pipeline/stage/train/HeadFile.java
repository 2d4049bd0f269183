package dev.regula.pipeline.stage.train;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.regula.pipeline.run.Json;
import dev.regula.transfer.head.HeadSpec;
import dev.regula.transfer.head.LayerWeights;
import dev.regula.transfer.regularize.RegularizationSpec;
import dev.regula.transfer.train.TrainedHead;
import dev.regula.transfer.train.TrainingHistory;
import dev.regula.transfer.train.TrainingSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A {@link TrainedHead} saved as canonical JSON, so later stages reload it without retraining.
 * Floats are written in their shortest round-tripping form, so a reload gives bit-identical weights.
 */
public record HeadFile(
        @JsonProperty("spec") HeadSpec spec,
        @JsonProperty("regularization") RegularizationSpec regularization,
        @JsonProperty("training") TrainingSpec training,
        @JsonProperty("classes") int classes,
        @JsonProperty("layers") List<Layer> layers,
        @JsonProperty("history") TrainingHistory history,
        @JsonProperty("sparsity") double sparsity,
        @JsonProperty("dropout_rates") double[] dropoutRates) {

    /** One layer: {@code w [out][in]}, {@code b [out]}. */
    public record Layer(@JsonProperty("w") float[][] w, @JsonProperty("b") float[] b) {
    }

    public static void save(TrainedHead h, Path file) throws IOException {
        List<Layer> layers = h.layers().stream().map(l -> new Layer(l.w(), l.b())).toList();
        Json.write(file, new HeadFile(h.spec(), h.regularization(), h.training(), h.classes(), layers, h.history(),
                h.sparsity(), h.dropoutRates()));
    }

    public static TrainedHead load(Path file) throws IOException {
        HeadFile f = Json.read(file, HeadFile.class);
        List<LayerWeights> layers = f.layers().stream().map(l -> new LayerWeights(l.w(), l.b())).toList();
        return new TrainedHead(f.spec(), f.regularization(), f.training(), f.classes(), layers, f.history(), f.sparsity(),
                f.dropoutRates());
    }
}
