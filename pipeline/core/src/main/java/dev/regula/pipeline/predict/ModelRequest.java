package dev.regula.pipeline.predict;

import dev.regula.models.runtime.Device;
import dev.regula.models.runtime.RunnerOptions;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The core request every front end that runs an exported model sends: {@code regula predict},
 * {@code regula validate} and the plugin's {@code regula:validate} map their options or parameters
 * to it, and {@link Predictor#open(ModelRequest)} serves it.
 *
 * @param model {@code model.onnx} written by Regula, or the export folder holding it
 * @param options the execution provider and threads
 */
public record ModelRequest(Path model, RunnerOptions options) {
    /** The device when a front end gives none. */
    public static final String DEFAULT_DEVICE = "cpu";

    public ModelRequest {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(options, "options");
    }

    /**
     * From a front end's raw values.
     *
     * @param device {@code cpu}, {@code cuda} or {@code auto}; null means {@value #DEFAULT_DEVICE}
     * @throws IllegalArgumentException naming the device value and the ones expected
     */
    public static ModelRequest of(Path model, String device) {
        return new ModelRequest(model, RunnerOptions.defaults().toBuilder()
                .device(Device.parse(device == null ? DEFAULT_DEVICE : device)).build());
    }
}
