package dev.regula.models.runtime;

import java.nio.file.Path;
import java.util.Objects;

/** The requested execution provider (e.g. CUDA) could not be loaded or initialised on this machine. */
public class RuntimeUnavailableException extends RunnerException {
    private final Device device;
    private final String reason;

    public RuntimeUnavailableException(Path file, Device device, String reason, Throwable cause) {
        super(file, "The " + Objects.requireNonNull(device, "device").name() + " execution provider could not be loaded"
                + " (" + reason + "); use device 'cpu' or 'auto' on machines without a usable "
                + device.name() + " setup", cause);
        this.device = device;
        this.reason = reason;
    }

    /** The device that was asked for. */
    public Device device() {
        return device;
    }

    /** Why: ONNX Runtime's own explanation trimmed of source locations ("ONNX Runtime: ..."), or the missing driver. */
    public String reason() {
        return reason;
    }
}
