package dev.regula.models.runtime;

import java.nio.file.Path;
import java.util.Objects;

/** The requested execution provider (e.g. CUDA) could not be loaded or initialised on this machine. */
public class RuntimeUnavailableException extends RunnerException {
    private final Device device;
    private final String reason;

    public RuntimeUnavailableException(Path file, Device device, String reason, Throwable cause) {
        super(file, "The " + Objects.requireNonNull(device, "device").name() + " execution provider could not be loaded"
                + " (ONNX Runtime: " + reason + "); use device 'cpu' or 'auto' on machines without a usable "
                + device.name() + " setup", cause);
        this.device = device;
        this.reason = reason;
    }

    /** The device that was asked for. */
    public Device device() {
        return device;
    }

    /** ONNX Runtime's own explanation, trimmed of source locations. */
    public String reason() {
        return reason;
    }
}
