package dev.regula.models.runtime;

import dev.regula.models.OnnxModelException;
import java.nio.file.Path;

/**
 * ONNX Runtime could not do what was asked with a model: load it, run it on the requested device,
 * or accept the given inputs. Part of the {@link OnnxModelException} family so a caller can handle
 * everything the models module throws in one place; the message names the file when there is one.
 */
public class RunnerException extends OnnxModelException {

    public RunnerException(Path file, String message) {
        super(file, message);
    }

    public RunnerException(Path file, String message, Throwable cause) {
        super(file, message, cause);
    }
}
