package dev.regula.pipeline.stage.features;

import dev.regula.pipeline.Problem;
import dev.regula.pipeline.RegulaException;
import dev.regula.pipeline.run.StageName;
import dev.regula.pipeline.stage.imports.ImportStep;
import dev.regula.transfer.features.FeatureJob;
import dev.regula.transfer.features.FeatureStore;
import dev.regula.transfer.features.FeatureStoreException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A {@code --features DIR} of a stage run on explicit paths: the folder {@code regula features}
 * wrote ({@code store/}, {@code feature-model.onnx}, {@code tokenizer.json}), a pipeline work
 * folder's {@code features/} (its feature model and tokenizer are in the sibling {@code import/}),
 * or a store folder itself.
 *
 * @param featureModel the feature model found beside the store, or null
 * @param tokenizer the tokenizer found beside the store, or null
 */
public record FeatureInputs(Path dir, FeatureStore store, Path featureModel, Path tokenizer) {
    /** Opens {@code dir}; an error names {@code subject} (the option or key that gave it). */
    public static FeatureInputs open(Path dir, Problem subject) throws RegulaException {
        Path d = dir.toAbsolutePath().normalize();
        if (!Files.isDirectory(d)) {
            throw new RegulaException(subject.says((Files.exists(d) ? d + " is not a folder" : "folder not found: " + d)
                    + "; expected the output folder of `regula features`"));
        }
        Path storeDir = Files.isRegularFile(d.resolve(FeatureJob.STORE).resolve(FeatureStore.MANIFEST))
                ? d.resolve(FeatureJob.STORE) : d;
        String expected = "expected the output folder of `regula features` (holding " + FeatureJob.STORE + "/"
                + FeatureStore.MANIFEST + "), a pipeline's work/features, or a store folder";
        if (!Files.isRegularFile(storeDir.resolve(FeatureStore.MANIFEST))) {
            throw new RegulaException(subject.says(d + " is not a feature store: " + expected));
        }
        FeatureStore store;
        try {
            store = FeatureStore.open(storeDir);
        } catch (FeatureStoreException e) {
            throw new RegulaException(subject.says(d + " is not a readable feature store (" + e.getMessage() + "); "
                    + expected), e);
        }
        Path parent = storeDir.getParent();
        return new FeatureInputs(d, store, first(parent.resolve(FeatureJob.FEATURE_MODEL),
                parent.resolveSibling(StageName.IMPORT.dir()).resolve(ImportStep.FEATURE_MODEL)),
                first(parent.resolve(ImportStep.TOKENIZER),
                        parent.resolveSibling(StageName.IMPORT.dir()).resolve(ImportStep.TOKENIZER)));
    }

    private static Path first(Path a, Path b) {
        return Files.isRegularFile(a) ? a : Files.isRegularFile(b) ? b : null;
    }

    /** The stored features' dimension. */
    public int dim() {
        return store.manifest().splits().values().iterator().next().dim();
    }
}
