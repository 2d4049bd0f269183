package dev.regula.pipeline;

import dev.regula.models.ModelInfo;
import dev.regula.models.OnnxModel;
import dev.regula.models.OnnxModelException;
import dev.regula.transfer.backbone.ArtifactResolver;
import dev.regula.transfer.backbone.Backbone;
import dev.regula.transfer.backbone.BackboneException;
import dev.regula.transfer.backbone.BackboneSource;
import dev.regula.transfer.backbone.SourceFile;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads a model and describes it: the core behind {@code regula inspect}. */
public final class Inspection {
    private Inspection() {
    }

    /**
     * Inspects the model named by {@code source}: a path to an {@code .onnx} file, a folder holding
     * {@code model.onnx}, {@code classpath:/PATH}, or Maven coordinates {@code g:a:v[:classifier]!/entry}.
     * Entries read out of jars are cached under the system temp folder; Maven coordinates are read
     * from the local repository.
     */
    public static ModelInfo inspect(String source) throws RegulaException {
        return inspect(source, ArtifactResolver.localRepository());
    }

    /** {@link #inspect(String)} with the jars of Maven coordinates found by {@code artifacts}. */
    public static ModelInfo inspect(String source, ArtifactResolver artifacts) throws RegulaException {
        try {
            Path cache = Path.of(System.getProperty("java.io.tmpdir"), "regula-cache");
            Files.createDirectories(cache);
            SourceFile file = BackboneSource.parse(source).resolve(cache, Backbone.FOLDER_MODEL, artifacts);
            return OnnxModel.read(file.file()).inspect();
        } catch (BackboneException | OnnxModelException e) {
            throw RegulaException.wrap(e);
        } catch (java.io.IOException e) {
            throw new RegulaException("cannot create the cache folder for " + source + ": " + e.getMessage(), e);
        }
    }
}
