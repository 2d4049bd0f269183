package dev.regula.pipeline.stage.imports;

import dev.regula.models.Folders;
import dev.regula.models.OnnxModel;
import dev.regula.models.OnnxModelException;
import dev.regula.pipeline.OptionName;
import dev.regula.pipeline.Problem;
import dev.regula.pipeline.RegulaException;
import dev.regula.pipeline.run.Json;
import dev.regula.pipeline.run.OutputFolder;
import dev.regula.transfer.backbone.ArtifactResolver;
import dev.regula.transfer.backbone.Backbone;
import dev.regula.transfer.backbone.BackboneException;
import dev.regula.transfer.backbone.FeatureModel;
import dev.regula.transfer.backbone.FeatureModelBuilder;
import dev.regula.transfer.backbone.FeatureSpec;
import dev.regula.transfer.backbone.Pooling;
import dev.regula.transfer.encode.ModelInput;
import dev.regula.transfer.features.FeatureJob;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The import stage as a callable unit: the feature model (backbone cut at the feature tensor, pooling
 * and L2 normalisation appended as ONNX nodes, provenance in {@code metadata_props}) saved as
 * {@code feature-model.onnx}, and a copy of the backbone's {@code tokenizer.json}. The pipeline's
 * import stage and {@code regula import} (explicit paths, {@link #run}) write through it, so both
 * write the same bytes for the same backbone source and settings.
 */
public final class ImportStep {
    /** The feature model: the backbone cut at the feature tensor, pooling appended. */
    public static final String FEATURE_MODEL = FeatureJob.FEATURE_MODEL;
    /** The copy of the backbone's tokenizer, beside the feature model (text backbones only). */
    public static final String TOKENIZER = "tokenizer.json";
    /** The settings record {@code regula import} writes beside the feature model. */
    public static final String INFO = "import.json";

    private ImportStep() {
    }

    /**
     * An import on explicit paths.
     *
     * @param backbone backbone source (file, folder, {@code classpath:}, jar entry or Maven coordinates)
     * @param tokenizer tokenizer source, or null (a backbone folder's own tokenizer.json, or none)
     * @param featureTensor tensor to pool, or null for the backbone's first output
     * @param pooling {@code mean}, {@code cls}, {@code max} or {@code none}
     * @param maskInput the attention-mask input, or null for {@code attention_mask}
     * @param maxLength maximum tokens per text, recorded for {@code regula features --feature-model}
     * @param truncation cut longer texts, recorded likewise
     * @param out the output folder: new, empty, or an earlier {@code regula import} output (replaced as a whole)
     */
    public record Request(String backbone, String tokenizer, String featureTensor, String pooling, boolean l2Normalize,
                          String maskInput, int maxLength, boolean truncation, Path out) {
        public Request {
            Objects.requireNonNull(backbone, "backbone");
            Objects.requireNonNull(pooling, "pooling");
            Objects.requireNonNull(out, "out");
        }
    }

    /**
     * What was written.
     *
     * @param tokenizer the tokenizer copy, or null for a backbone without one
     * @param info the content of {@code import.json}
     */
    public record Result(Path out, Path featureModel, Path tokenizer, int dim, Map<String, Object> info) {
    }

    public static Result run(Request r) throws RegulaException {
        if (r.maxLength() < 1) {
            throw new RegulaException(Problem.about(OptionName.MAX_LENGTH, r.maxLength() + " is not a positive number of tokens")
                    .withExpected("a positive number of tokens", String.valueOf(r.maxLength())));
        }
        Pooling pooling;
        try {
            pooling = Pooling.parse(r.pooling());
        } catch (IllegalArgumentException e) {
            throw RegulaException.wrap(OptionName.POOLING, e);
        }
        Path out = r.out().toAbsolutePath().normalize();
        Map<String, Object> info = OutputFolder.write(out, OptionName.OUT, FEATURE_MODEL, staging -> {
            // Files read out of jars are copied into a cache; inside staging, it goes before the move.
            Path cache = staging.resolve(".cache");
            Backbone backbone = load(r.backbone(), r.tokenizer(), cache, ArtifactResolver.localRepository(),
                    Problem.about(OptionName.BACKBONE));
            FeatureModel model = writeInto(backbone, r.featureTensor(), pooling, r.l2Normalize(), r.maskInput(), staging, Problem.about(OptionName.BACKBONE));
            Folders.deleteTree(cache);
            Map<String, Object> m = describe(backbone, model, r.maxLength(), r.truncation());
            Json.write(staging.resolve(INFO), m);
            return m;
        });
        Path tok = out.resolve(TOKENIZER);
        return new Result(out, out.resolve(FEATURE_MODEL), Files.isRegularFile(tok) ? tok : null,
                ((Number) ((Map<?, ?>) info.get("feature_model")).get("dim")).intValue(), info);
    }

    /** Resolves the backbone; an error names {@code subject} (the spec key or the command's option). */
    static Backbone load(String model, String tokenizer, Path cacheDir, ArtifactResolver artifacts, Problem subject)
            throws RegulaException {
        try {
            return Backbone.load(model, tokenizer, cacheDir, artifacts);
        } catch (BackboneException e) {
            throw new RegulaException(subject.says(e.getMessage()), e);
        }
    }

    /**
     * Builds the feature model of {@code backbone} and writes {@code feature-model.onnx} (and
     * {@code tokenizer.json} when the backbone has one) into {@code staging}.
     *
     * @param tensor the tensor to pool, or null for the backbone's first output
     * @param subject what errors name: the spec key or the command's option
     */
    static FeatureModel writeInto(Backbone backbone, String tensor, Pooling pooling, boolean l2, String maskInput,
                                  Path staging, Problem subject) throws RegulaException {
        try {
            String t = tensor != null && !tensor.isBlank() ? tensor
                    : FeatureModelBuilder.firstOutput(OnnxModel.read(backbone.model().file()).proto(), backbone.model().source());
            FeatureModel model = FeatureModelBuilder.build(backbone, new FeatureSpec(t, pooling, l2, maskInput));
            model.save(staging.resolve(FEATURE_MODEL));
            if (backbone.tokenizer() != null) {
                Files.copy(backbone.tokenizer().file(), staging.resolve(TOKENIZER));
            }
            return model;
        } catch (BackboneException | OnnxModelException | IllegalArgumentException e) {
            throw new RegulaException(subject.says(e.getMessage()), e);
        } catch (IOException e) {
            throw new RegulaException("import: cannot write " + staging + ": " + e.getMessage(), e);
        }
    }

    /** The import.json record: where the backbone came from, its hashes, the feature settings. */
    private static Map<String, Object> describe(Backbone b, FeatureModel model, int maxLength, boolean truncation) {
        Map<String, Object> backbone = new LinkedHashMap<>();
        backbone.put("source", b.model().source());
        backbone.put("sha256", b.model().sha256());
        Map<String, Object> tokenizer = null;
        if (b.tokenizer() != null) {
            tokenizer = new LinkedHashMap<>();
            tokenizer.put("source", b.tokenizer().source());
            tokenizer.put("sha256", b.tokenizer().sha256());
            tokenizer.put("max_length", maxLength);
            tokenizer.put("truncation", truncation);
        }
        Map<String, Object> fm = new LinkedHashMap<>();
        fm.put("file", FEATURE_MODEL);
        fm.put("sha256", model.sha256());
        fm.put("dim", model.dim());
        fm.put("inputs", model.inputs().stream().map(ModelInput::name).toList());
        fm.put("tensor", model.spec().tensor());
        fm.put("pooling", model.spec().pooling().yamlName());
        fm.put("l2_normalize", model.spec().l2Normalize());
        fm.put("mask_input", model.spec().maskInput());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("backbone", backbone);
        m.put("tokenizer", tokenizer);
        m.put("feature_model", fm);
        return m;
    }


}
