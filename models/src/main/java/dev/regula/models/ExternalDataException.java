package dev.regula.models;

import java.nio.file.Path;

/**
 * A tensor whose data lives outside the model file, and whose reference Regula refuses:
 * a location outside the model's folder, a missing file, or an offset/length past its end.
 */
public final class ExternalDataException extends OnnxModelException {
    private final String tensor;
    private final String location;

    public ExternalDataException(Path modelFile, String tensor, String location, String problem) {
        super(modelFile, "external data of tensor '" + tensor + "' (location '" + location + "'): " + problem);
        this.tensor = tensor;
        this.location = location;
    }

    ExternalDataException(String source, String tensor, String location, String problem, Throwable cause) {
        super(source, "external data of tensor '" + tensor + "' (location '" + location + "'): " + problem, cause);
        this.tensor = tensor;
        this.location = location;
    }

    /** Name of the tensor whose external data was refused. */
    public String tensor() {
        return tensor;
    }

    /** The {@code location} entry as written in the model, possibly null when it was missing. */
    public String location() {
        return location;
    }
}
