package dev.regula.pipeline.stage.export;

import dev.regula.pipeline.OptionName;
import dev.regula.pipeline.Problem;
import dev.regula.pipeline.spec.Sections;
import dev.regula.ensemble.Ensemble;
import dev.regula.ensemble.EnsembleException;
import dev.regula.ensemble.Member;
import dev.regula.ensemble.export.EnsembleExport;
import dev.regula.ensemble.export.EnsembleMetadata;
import dev.regula.models.OnnxModel;
import dev.regula.models.OnnxModelException;
import dev.regula.pipeline.RegulaException;
import dev.regula.pipeline.run.Json;
import dev.regula.pipeline.run.OutputFolder;
import dev.regula.pipeline.spec.EnsembleConfig;
import dev.regula.pipeline.stage.ensemble.EnsembleStep;
import dev.regula.pipeline.stage.features.FeatureInputs;
import dev.regula.pipeline.stage.train.TrainStep;
import dev.regula.transfer.backbone.BackboneException;
import dev.regula.transfer.backbone.FeatureModel;
import dev.regula.models.Hashing;
import dev.regula.transfer.export.ExportException;
import dev.regula.transfer.export.ExportMetadata;
import dev.regula.transfer.export.ModelExport;
import dev.regula.transfer.features.FeatureStore;
import dev.regula.transfer.train.TrainedHead;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The export stage as a callable unit: {@code model.onnx} (feature model + one head, or + the
 * fused ensemble; outputs probabilities and label; provenance in {@code metadata_props}),
 * {@code tokenizer.json} for text backbones, and {@code export.json}. The pipeline's export stage
 * and {@code regula export} (explicit paths, {@link #run}) write through it.
 */
public final class ExportStep {
    /** The exported model (the export format's own file name). */
    public static final String MODEL = ModelExport.MODEL_FILE;
    /** The tokenizer beside the model, for text backbones (the name the model's metadata gives). */
    public static final String TOKENIZER = ExportMetadata.TOKENIZER_FILE;
    /** What was exported: the head's name, its labels and outputs. */
    public static final String INFO = "export.json";
    /** What export.json names as its head when the ensemble was exported. */
    public static final String ENSEMBLE = "ensemble";

    private ExportStep() {
    }

    /**
     * What to export: one head, or the fused ensemble.
     *
     * @param chosen what export.json and the metadata name: the head's name, {@code soup}, or {@value #ENSEMBLE}
     * @param head the head, or null for the ensemble
     * @param ensemble the ensemble, or null for a head
     * @param meta added to the model's metadata (and to nothing else)
     */
    record Choice(String chosen, TrainedHead head, Ensemble ensemble, Map<String, String> meta) {
        static Choice of(String name, TrainedHead head) {
            return new Choice(name, head, null, Map.of());
        }

        /**
         * The ensemble, or with {@code soupAlone} its soup member exported as one head named
         * {@code soup}, with what it averages (from {@code ensembleJson}) in the metadata.
         */
        static Choice of(Ensemble ensemble, boolean soupAlone, Path ensembleJson) throws RegulaException {
            if (!soupAlone) {
                return new Choice(ENSEMBLE, null, ensemble, Map.of());
            }
            return new Choice(EnsembleConfig.SOUP, soupMember(ensemble).head(), null,
                    Map.of(ExportMetadata.KEY_SOUP, Json.compact(soupRecord(ensembleJson))));
        }
    }

    /**
     * An export on explicit paths: exactly one of {@code head} and {@code ensemble}.
     *
     * @param features the features the head or ensemble was trained on (labels, data hash, encoder settings)
     * @param featureModel the feature model, or null for the one beside the features
     * @param tokenizer the tokenizer, or null for the one beside the features (text backbones only)
     * @param head a head.json, its folder, or a train output folder (then {@code headName}, or the best by validation NLL)
     * @param headName the head to pick from a train output folder, or null for {@code best}
     * @param ensemble an ensemble folder (with {@code heads}, the train output it was built from)
     * @param soup with {@code ensemble}: export only its soup member, as one head named {@code soup}
     *     (as {@code export.head: soup} in a spec)
     */
    public record Request(Path features, Path featureModel, Path tokenizer, Path head, String headName, Path ensemble,
                          Path heads, boolean soup, Path out) {
        public Request {
            Objects.requireNonNull(features, "features");
            Objects.requireNonNull(out, "out");
        }
    }

    /**
     * What was written.
     *
     * @param exported the head's name, {@code soup}, or {@code ensemble}
     */
    public record Result(Path out, Path model, String modelSha256, String exported, List<String> labels) {
    }

    public static Result run(Request r) throws RegulaException {
        if ((r.head() == null) == (r.ensemble() == null)) {
            throw new RegulaException(Problem.of("give exactly one of ", OptionName.HEAD, " and ", OptionName.ENSEMBLE));
        }
        if (r.ensemble() != null && r.headName() != null) {
            throw new RegulaException(Problem.about(OptionName.NAME, "picks a head of ", OptionName.HEAD, "; it does not apply to ", OptionName.ENSEMBLE));
        }
        if (r.soup() && r.ensemble() == null) {
            throw new RegulaException(Problem.about(OptionName.SOUP, "exports the soup member of ", OptionName.ENSEMBLE, "; with ",
                    OptionName.HEAD, ", give the soup's head file (ENS/members/soup.json) to ", OptionName.HEAD, " instead"));
        }
        if (r.head() != null && r.heads() != null) {
            throw new RegulaException(Problem.about(OptionName.HEADS, "goes with ", OptionName.ENSEMBLE, "; with ", OptionName.HEAD,
                    ", give the head or train folder to ", OptionName.HEAD));
        }
        FeatureInputs in = FeatureInputs.open(r.features(), Problem.about(OptionName.FEATURES));
        FeatureModel features = featureModel(r, in);
        Map<String, Object> encoder = in.store().manifest().key().encoderConfig();
        Path tokenizer = tokenizer(r, in, String.valueOf(encoder.get("tokenizer.sha256")));
        int maxLength = encoder.get("tokenizer.max_length") instanceof Number n ? n.intValue() : Sections.Backbone.DEFAULT_MAX_LENGTH;
        boolean truncation = !Boolean.FALSE.equals(encoder.get("tokenizer.truncation"));
        Choice choice;
        if (r.ensemble() != null) {
            if (r.heads() == null) {
                throw new RegulaException(Problem.about(OptionName.HEADS, "required with ", OptionName.ENSEMBLE,
                        " (the `regula train` output the ensemble was built from)"));
            }
            Path saved = r.ensemble().toAbsolutePath().normalize().resolve(EnsembleStep.ENSEMBLE);
            if (r.soup() && Files.isRegularFile(saved) && !soupRecord(saved).hasNonNull("kind")) {
                // checked before the (possibly costly) rebuild
                throw new RegulaException(Problem.about(OptionName.SOUP, saved + " records no soup member; build the ensemble "
                        + "with a soup (regula ensemble ", OptionName.SOUP, " KIND:OF, or ensemble.soup in a spec)"));
            }
            choice = Choice.of(EnsembleStep.loadFolder(r.ensemble(), r.heads(), in), r.soup(), saved);
        } else {
            Map.Entry<String, TrainedHead> picked = pickHead(r.head(), r.headName());
            TrainStep.checkFits(picked.getKey(), picked.getValue(), in, Problem.about(OptionName.HEAD));
            choice = Choice.of(picked.getKey(), picked.getValue());
        }
        Path out = r.out().toAbsolutePath().normalize();
        OutputFolder.write(out, OptionName.OUT, MODEL, staging -> {
            writeInto(features, tokenizer, maxLength, truncation, in.store(), choice, staging);
            return null;
        });
        Path model = out.resolve(MODEL);
        try {
            return new Result(out, model, Hashing.sha256(model), choice.chosen(), in.store().labels());
        } catch (IOException ex) {
            throw new RegulaException(Problem.about(OptionName.OUT, "cannot read " + model + ": " + ex.getMessage()), ex);
        }
    }

    private static FeatureModel featureModel(Request r, FeatureInputs in) throws RegulaException {
        Path file = r.featureModel() != null ? r.featureModel() : in.featureModel();
        if (file == null) {
            throw new RegulaException(Problem.about(OptionName.FEATURE_MODEL, "not given, and none beside the features in " + in.dir()
                    + " (expected feature-model.onnx, as `regula features` writes)"));
        }
        FeatureModel m;
        try {
            m = FeatureModel.load(file);
        } catch (BackboneException ex) {
            throw RegulaException.wrap(OptionName.FEATURE_MODEL, ex);
        }
        if (m.dim() != in.dim()) {
            throw new RegulaException(Problem.about(OptionName.FEATURE_MODEL, file + " outputs " + m.dim() + " features, but the feature store "
                    + in.store().dir() + " holds " + in.dim()).withExpected(String.valueOf(in.dim()), String.valueOf(m.dim())));
        }
        String storeBackbone = in.store().manifest().key().backboneSha256();
        if (!m.backboneSha256().equals(storeBackbone)) {
            throw new RegulaException(Problem.about(OptionName.FEATURE_MODEL, file + " was built from backbone sha256 " + m.backboneSha256()
                    + ", but the features in " + in.store().dir() + " come from backbone sha256 " + storeBackbone)
                    .withExpected(storeBackbone, m.backboneSha256()));
        }
        return m;
    }

    /** The tokenizer the features were extracted with (checked by hash), or null for a backbone without one. */
    private static Path tokenizer(Request r, FeatureInputs in, String expectedSha) throws RegulaException {
        if ("none".equals(expectedSha) || "null".equals(expectedSha)) {
            if (r.tokenizer() != null) {
                throw new RegulaException(Problem.about(OptionName.TOKENIZER, "the features in " + in.store().dir() + " were extracted without a "
                        + "tokenizer (numeric inputs); leave it out"));
            }
            return null;
        }
        Path file = r.tokenizer() != null ? r.tokenizer() : in.tokenizer();
        if (file == null) {
            throw new RegulaException(Problem.about(OptionName.TOKENIZER, "the features were extracted with a tokenizer (sha256 " + expectedSha
                    + "); give that tokenizer.json, none was found beside the features in " + in.dir()));
        }
        if (!Files.isRegularFile(file)) {
            throw new RegulaException(Problem.about(OptionName.TOKENIZER, "file not found: " + file));
        }
        try {
            String sha = Hashing.sha256(file);
            if (!sha.equals(expectedSha)) {
                throw new RegulaException(Problem.about(OptionName.TOKENIZER, file + " has sha256 " + sha + ", but the features were extracted "
                        + "with tokenizer sha256 " + expectedSha).withExpected(expectedSha, sha));
            }
        } catch (IOException ex) {
            throw new RegulaException(Problem.about(OptionName.TOKENIZER, "cannot read " + file + ": " + ex.getMessage()), ex);
        }
        return file;
    }

    /** The ensemble's soup member. */
    public static Member soupMember(Ensemble e) throws RegulaException {
        return e.members().stream().filter(m -> m.name().equals(EnsembleConfig.SOUP)).findFirst()
                .orElseThrow(() -> new RegulaException(Problem.atKey("export.head", "the ensemble holds no member '" + EnsembleConfig.SOUP
                        + "'").withExpected("a member '" + EnsembleConfig.SOUP + "'", String.valueOf(e.members().stream().map(Member::name)
                        .toList()))));
    }

    /**
     * The {@code soup} record of an ensemble.json (kind, of, ingredients), what {@link #ExportMetadata.KEY_SOUP}
     * holds; a missing node when the ensemble has no soup.
     */
    public static com.fasterxml.jackson.databind.JsonNode soupRecord(Path ensembleJson) throws RegulaException {
        try {
            return Json.MAPPER.readTree(ensembleJson.toFile()).path(EnsembleConfig.SOUP);
        } catch (IOException e) {
            throw new RegulaException("cannot read " + ensembleJson + ": " + e.getMessage(), e);
        }
    }

    /**
     * A head.json, a head folder, or a train output folder (by name, or the best by validation NLL).
     * A head file is named after its folder when it is {@code head.json} (train/NAME/head.json), else
     * after its stem (ensemble/members/NAME.json).
     */
    private static Map.Entry<String, TrainedHead> pickHead(Path path, String name) throws RegulaException {
        Path p = path.toAbsolutePath().normalize();
        if (Files.isRegularFile(p)) {
            String file = p.getFileName().toString();
            String stem = file.endsWith(".json") ? file.substring(0, file.length() - ".json".length()) : file;
            String n = name != null ? name : file.equals(TrainStep.HEAD) ? p.getParent().getFileName().toString() : stem;
            return Map.entry(n, TrainStep.loadHead(p, Problem.about(OptionName.HEAD)));
        }
        if (Files.isRegularFile(p.resolve(TrainStep.HEAD))) {
            return Map.entry(name != null ? name : p.getFileName().toString(), TrainStep.loadHead(p.resolve(TrainStep.HEAD), Problem.about(OptionName.HEAD)));
        }
        if (!Files.isDirectory(p)) {
            throw new RegulaException(Problem.about(OptionName.HEAD, "not found: " + p
                    + "; expected a head.json, its folder, or a `regula train` output"));
        }
        Map<String, TrainedHead> heads = TrainStep.loadHeads(p, Problem.about(OptionName.HEAD), null);
        String n = name == null || name.equals("best") ? TrainStep.rankByValNll(heads).get(0) : name;
        if (!heads.containsKey(n)) {
            throw new RegulaException(Problem.about(OptionName.NAME, "no head '" + n + "' in " + p + "; expected best or one of "
                    + heads.keySet()).withExpected("best or one of " + heads.keySet(), n));
        }
        return Map.entry(n, heads.get(n));
    }

    /** Writes model.onnx, tokenizer.json (when given) and export.json into {@code staging}. */
    static void writeInto(FeatureModel features, Path tokenizer, int maxLength, boolean truncation, FeatureStore store,
                          Choice choice, Path staging) throws RegulaException {
        String chosen = choice.chosen();
        TrainedHead head = choice.head();
        Ensemble ensemble = choice.ensemble();
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put(ExportMetadata.KEY_DATA_SHA256, store.manifest().key().dataSha256());
        if (tokenizer != null) {
            // What `regula predict` needs to encode text exactly as training did.
            meta.put(ExportMetadata.KEY_TOKENIZER_FILE, TOKENIZER);
            meta.put(ExportMetadata.KEY_MAX_LENGTH, Integer.toString(maxLength));
            meta.put(ExportMetadata.KEY_TRUNCATION, Boolean.toString(truncation));
        }
        Map<String, Object> info = new TreeMap<>();
        try {
            OnnxModel model;
            if (ensemble == null) {
                meta.put(ExportMetadata.KEY_HEAD_NAME, chosen);
                meta.put(ExportMetadata.KEY_HEAD_SPEC, Json.compact(head.spec()));
                meta.put(ExportMetadata.KEY_REGULARIZATION, Json.compact(head.regularization()));
                meta.put(ExportMetadata.KEY_TRAINING, Json.compact(head.training()));
                meta.put(ExportMetadata.KEY_BEST_EPOCH, Integer.toString(head.history().bestEpoch()));
                new TreeMap<>(choice.meta()).forEach(meta::put);
                model = SingleHeadExport.build(features, head, store.labels(), meta);
                info.put("val_loss", head.history().best().valLoss());
            } else {
                meta.put(ExportMetadata.KEY_HEAD_NAME, ENSEMBLE);
                meta.putAll(EnsembleMetadata.of(ensemble));
                model = SingleHeadExport.build(features, ensemble.classes().size(), store.labels(),
                        (g, x) -> EnsembleExport.writeGraph(g, x, ensemble), meta);
                info.put("members", ensemble.members().stream().map(Member::name).toList());
                info.put("combiner", ensemble.combiner().kind());
            }
            model.write(staging.resolve(MODEL));
            if (tokenizer != null) {
                Files.copy(tokenizer, staging.resolve(TOKENIZER));
            }
            info.put("head", chosen);
            info.put("labels", store.labels());
            info.put("outputs", List.of(ModelExport.PROBABILITIES, ModelExport.LABEL));
            Json.write(staging.resolve(INFO), info);
        } catch (OnnxModelException | ExportException | IllegalArgumentException e) {
            throw RegulaException.atKey("export", e);
        } catch (EnsembleException e) {
            throw new RegulaException(Problem.atKey("export", "ensemble: " + e.getMessage()), e);
        } catch (IOException e) {
            throw new RegulaException("export: cannot write " + staging + ": " + e.getMessage(), e);
        }
    }
}
