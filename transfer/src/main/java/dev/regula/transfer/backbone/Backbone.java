package dev.regula.transfer.backbone;

import dev.regula.transfer.encode.TextEncoder;
import java.io.IOException;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * An imported backbone: the model file with its hash and source, and the companion tokenizer
 * when there is one (text backbones).
 *
 * @param model the ONNX model file
 * @param tokenizer the tokenizer.json, or {@code null} for backbones fed by numeric vectors
 */
public record Backbone(SourceFile model, SourceFile tokenizer) {
    /** File name of the model inside a backbone folder. */
    public static final String FOLDER_MODEL = "model.onnx";
    /** File name of the tokenizer inside a backbone folder. */
    public static final String FOLDER_TOKENIZER = "tokenizer.json";

    public Backbone {
        Objects.requireNonNull(model, "model");
    }

    /**
     * Resolves a backbone from its source strings.
     *
     * @param modelSource where the model comes from (any {@link BackboneSource} form)
     * @param tokenizerSource where the tokenizer comes from, or {@code null}: then a folder source
     *     supplies its own {@code tokenizer.json} when it has one, and other sources have none
     * @param cacheDir folder for copies read out of jars
     */
    public static Backbone load(String modelSource, String tokenizerSource, Path cacheDir) throws BackboneException {
        return load(modelSource, tokenizerSource, cacheDir, ArtifactResolver.localRepository());
    }

    /**
     * Resolves a backbone from its source strings, finding the jars of Maven coordinates with {@code artifacts}.
     *
     * @see #load(String, String, Path)
     */
    public static Backbone load(String modelSource, String tokenizerSource, Path cacheDir, ArtifactResolver artifacts)
            throws BackboneException {
        BackboneSource model = BackboneSource.parse(modelSource);
        SourceFile modelFile = model.resolve(cacheDir, FOLDER_MODEL, artifacts);
        SourceFile tokenizerFile = null;
        if (tokenizerSource != null && !tokenizerSource.isBlank()) {
            tokenizerFile = BackboneSource.parse(tokenizerSource).resolve(cacheDir, FOLDER_TOKENIZER, artifacts);
        } else if (model.isFolder() && model.path().resolve(FOLDER_TOKENIZER).toFile().isFile()) {
            tokenizerFile = model.resolve(cacheDir, FOLDER_TOKENIZER, artifacts);
        }
        if (tokenizerFile != null) {
            try {
                TextEncoder.checkFile(tokenizerFile.file());
            } catch (IOException e) {
                throw new BackboneException(tokenizerFile.source(), e.getMessage(), e);
            }
        }
        return new Backbone(modelFile, tokenizerFile);
    }

    /** The tokenizer, when this backbone has one. */
    public Optional<SourceFile> tokenizerFile() {
        return Optional.ofNullable(tokenizer);
    }
}
