package dev.regula.pipeline;

import dev.regula.models.ModelInfo;
import dev.regula.models.OnnxModel;
import dev.regula.models.OnnxModelException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads a model and describes it: the core behind {@code regula inspect} and the plugin's inspect goal. */
public final class Inspection {
    private Inspection() {
    }

    /**
     * Inspects the model named by {@code source}: a path to an {@code .onnx} file or to a folder
     * holding {@code model.onnx}.
     */
    public static ModelInfo inspect(String source) throws RegulaException {
        Path path = Path.of(source);
        if (Files.isDirectory(path)) {
            path = path.resolve("model.onnx");
        }
        try {
            return OnnxModel.read(path).inspect();
        } catch (OnnxModelException e) {
            throw RegulaException.wrap(e);
        }
    }
}
