package dev.regula.pipeline;

import dev.regula.models.OnnxModel;
import dev.regula.models.OnnxModelException;
import dev.regula.transfer.backbone.Backbone;
import dev.regula.transfer.backbone.BackboneException;
import dev.regula.transfer.backbone.FeatureModel;
import dev.regula.transfer.backbone.FeatureSpec;
import dev.regula.transfer.backbone.SourceFile;
import dev.regula.transfer.data.Dataset;
import dev.regula.transfer.data.DatasetException;
import dev.regula.transfer.data.DatasetReader;
import dev.regula.transfer.features.FeatureStore;
import dev.regula.transfer.features.FeatureStoreException;
import dev.regula.transfer.backbone.Pooling;
import dev.regula.transfer.data.BadRowPolicy;
import dev.regula.transfer.data.DatasetFormat;
import dev.regula.transfer.data.DatasetSpec;
import dev.regula.transfer.data.SplitFractions;
import dev.regula.transfer.data.SplitSpec;
import dev.regula.transfer.features.FeatureExtractorOptions;
import dev.regula.transfer.features.FeatureJob;
import dev.regula.transfer.features.FeatureJobException;
import dev.regula.transfer.features.FeatureJobResult;
import dev.regula.transfer.features.FeatureJobSpec;
import dev.regula.transfer.data.Hashing;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The features stage on explicit paths: the core behind {@code regula features}. */
public final class Features {
    private Features() {
    }

    /**
     * Extracts (or finds up to date) the store, and keeps a copy of the backbone's tokenizer beside it
     * as {@code OUT/tokenizer.json}, so the folder holds all that {@code regula export} needs.
     */
    public static FeatureJobResult run(FeaturesRequest r) throws RegulaException {
        return removingNewOutOnFailure(r.out(), () -> extract(r));
    }

    private static FeatureJobResult extract(FeaturesRequest r) throws RegulaException {
        FeatureJobSpec spec = toSpec(r);
        FeatureJobResult result;
        try {
            result = FeatureJob.run(spec);
        } catch (FeatureJobException e) {
            throw RegulaException.wrap(e);
        }
        try {
            Backbone b = Backbone.load(r.backbone(), r.tokenizer(), spec.cacheDir());
            Path copy = r.out().resolve(TOKENIZER);
            if (b.tokenizer() != null && !hashes(copy, b.tokenizer().sha256())) {
                copyAtomically(b.tokenizer().file(), copy);
            }
        } catch (BackboneException e) {
            throw RegulaException.wrap(e);
        } catch (IOException e) {
            throw new RegulaException("cannot copy the tokenizer into " + r.out() + ": " + e.getMessage(), e);
        }
        return result;
    }

    /**
     * The features stage on a feature model that {@code regula import} (or a pipeline's import stage)
     * built: the model is run as it is, without rebuilding it from the backbone, and the store is keyed
     * by the backbone source and hash recorded in its metadata, as the pipeline's features stage keys
     * it. Nothing is extracted when {@code OUT/store} is up to date for that key and OUT already holds
     * the same feature model and tokenizer. {@code r}'s backbone, tokenizer, feature tensor,
     * pooling and L2 settings are not read.
     *
     * @param featureModel a {@code feature-model.onnx}, or the folder holding it
     * @param tokenizer the tokenizer.json, or null for the one beside the feature model (text data only)
     */
    public static FeatureJobResult runOnFeatureModel(Path featureModel, Path tokenizer, FeaturesRequest r)
            throws RegulaException {
        return removingNewOutOnFailure(r.out(), () -> extractOnFeatureModel(featureModel, tokenizer, r));
    }

    private interface Job {
        FeatureJobResult run() throws RegulaException;
    }

    /**
     * Runs {@code job}; when it fails, removes the folders it created for {@code out} (from the
     * topmost that did not exist before), with what they hold (the backbone cache, a feature model),
     * so a failed command leaves no output folder behind.
     */
    private static FeatureJobResult removingNewOutOnFailure(Path out, Job job) throws RegulaException {
        Path created = null;
        for (Path p = out.toAbsolutePath().normalize(); p != null && !Files.exists(p); p = p.getParent()) {
            created = p;
        }
        try {
            return job.run();
        } catch (RegulaException | RuntimeException e) {
            if (created != null && Files.exists(created)) {
                try {
                    dev.regula.models.Folders.deleteTree(created);
                } catch (IOException cleanup) {
                    e.addSuppressed(cleanup);
                }
            }
            throw e;
        }
    }

    private static FeatureJobResult extractOnFeatureModel(Path featureModel, Path tokenizer, FeaturesRequest r)
            throws RegulaException {
        Path given = featureModel.toAbsolutePath().normalize();
        Path file = Files.isDirectory(given) ? given.resolve(FeatureJob.FEATURE_MODEL) : given;
        if (!Files.isRegularFile(file)) {
            throw new RegulaException("--feature-model: " + (Files.isDirectory(given) ? given + " holds no "
                    + FeatureJob.FEATURE_MODEL : "not found: " + given) + "; expected the output folder of `regula import`, "
                    + "a pipeline's work/import, or its feature-model.onnx");
        }
        FeatureModel model;
        try {
            model = FeatureModel.load(file);
        } catch (BackboneException e) {
            throw new RegulaException("--feature-model: " + e.getMessage(), e);
        }
        Path tok = tokenizer != null ? tokenizer.toAbsolutePath().normalize() : file.resolveSibling(TOKENIZER);
        if (tokenizer != null && !Files.isRegularFile(tok)) {
            throw new RegulaException("--tokenizer: file not found: " + tok);
        }
        try {
            SourceFile tokFile = Files.isRegularFile(tok) ? new SourceFile(tok, Hashing.sha256(tok), tok.toString()) : null;
            Backbone committed = new Backbone(new SourceFile(file, model.backboneSha256(), model.backboneSource()), tokFile);
            FeatureJobSpec spec = toSpec(r, model.backboneSource(), tokFile == null ? null : tok.toString(), model.spec());
            Dataset data = DatasetReader.read(spec.data());
            Files.createDirectories(r.out());
            Path storeDir = r.out().resolve(FeatureJob.STORE);
            Path modelCopy = r.out().resolve(FeatureJob.FEATURE_MODEL);
            boolean inPlace = Files.isSameFile(file.getParent(), r.out().toAbsolutePath());
            boolean upToDate = FeatureJob.isUpToDate(storeDir, committed, data, spec)
                    && (inPlace || hashes(modelCopy, model.sha256())
                        && (tokFile == null || hashes(r.out().resolve(TOKENIZER), tokFile.sha256())));
            long t0 = System.nanoTime();
            FeatureStore store;
            if (upToDate) {
                store = FeatureStore.open(storeDir);
            } else {
                store = FeatureJob.extractTo(storeDir, model, committed, data, spec);
                if (!inPlace) {
                    model.save(modelCopy);
                    if (tokFile != null) {
                        copyAtomically(tok, r.out().resolve(TOKENIZER));
                    }
                }
            }
            double seconds = upToDate ? 0 : (System.nanoTime() - t0) / 1e9;
            Map<String, Integer> rows = new LinkedHashMap<>();
            store.splitNames().forEach(n -> rows.put(n, store.split(n).rows()));
            return new FeatureJobResult(store.dir(), modelCopy, upToDate, rows, model.dim(), store.labels(), seconds,
                    data.skipped().total() == 0 ? "" : data.skipped().toString());
        } catch (DatasetException e) {
            throw new RegulaException("--data: " + e.getMessage(), e);
        } catch (FeatureJobException | FeatureStoreException e) {
            throw RegulaException.wrap(e);
        } catch (IOException e) {
            throw new RegulaException("cannot write " + r.out() + ": " + e.getMessage(), e);
        }
    }

    private static boolean hashes(Path file, String sha256) throws IOException {
        return Files.isRegularFile(file) && Hashing.sha256(file).equals(sha256);
    }

    /**
     * The tokenizer settings an import recorded ({@code import.json} beside the feature model), or
     * 128 tokens with truncation when there is none (a pipeline's work/import).
     */
    public record Encoding(int maxLength, boolean truncation) {
    }

    public static Encoding importedEncoding(Path featureModel) throws RegulaException {
        Path p = featureModel.toAbsolutePath().normalize();
        Path info = (Files.isDirectory(p) ? p : p.getParent()).resolve(IMPORT_INFO);
        if (!Files.isRegularFile(info)) {
            return new Encoding(128, true);
        }
        try {
            com.fasterxml.jackson.databind.JsonNode t = new com.fasterxml.jackson.databind.ObjectMapper().readTree(info.toFile())
                    .path("tokenizer");
            return new Encoding(t.path("max_length").asInt(128), t.path("truncation").asBoolean(true));
        } catch (IOException e) {
            throw new RegulaException("--feature-model: cannot read " + info + ": " + e.getMessage(), e);
        }
    }

    private static void copyAtomically(Path from, Path to) throws IOException {
        Path tmp = Files.createTempFile(to.getParent(), "." + to.getFileName(), ".tmp");
        try {
            Files.copy(from, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** The settings record `regula import` writes beside its feature model. */
    public static final String IMPORT_INFO = "import.json";

    /** The tokenizer's copy in the output folder. */
    public static final String TOKENIZER = "tokenizer.json";

    static FeatureJobSpec toSpec(FeaturesRequest r) throws RegulaException {
        Path cache = r.out().resolve(".cache");
        Pooling pooling = parse("pooling", r.pooling(), () -> Pooling.parse(r.pooling()));
        String tensor = r.featureTensor() != null && !r.featureTensor().isBlank() ? r.featureTensor() : firstOutput(r, cache);
        return toSpec(r, r.backbone(), r.tokenizer(), new FeatureSpec(tensor, pooling, r.l2Normalize(), r.maskInput()));
    }

    private static FeatureJobSpec toSpec(FeaturesRequest r, String backbone, String tokenizer, FeatureSpec feature)
            throws RegulaException {
        Path cache = r.out().resolve(".cache");
        DatasetFormat format = r.format() == null || r.format().isBlank()
                ? DatasetFormat.guess(r.data())
                : parse("format", r.format(), () -> DatasetFormat.parse(r.format()));
        BadRowPolicy badRows = parse("bad-rows", r.badRows(),
                () -> BadRowPolicy.valueOf(r.badRows().trim().toUpperCase(java.util.Locale.ROOT)));
        DatasetSpec data = DatasetSpec.of(r.data(), format).withTextField(r.textField()).withLabelField(r.labelField())
                .withGroupField(r.groupField()).withSplitField(r.splitField()).withBadRows(badRows);
        SplitSpec split = splitSpec(r);
        FeatureExtractorOptions extraction = FeatureExtractorOptions.defaults().withBatchSize(r.batchSize())
                .withThreads(r.threads()).withProgress(r.progress());
        try {
            return new FeatureJobSpec(backbone, tokenizer, feature, r.maxLength(), r.truncation(), data, split, extraction,
                    r.out(), cache);
        } catch (IllegalArgumentException e) {
            throw new RegulaException(e.getMessage(), e);
        }
    }

    private static SplitSpec splitSpec(FeaturesRequest r) throws RegulaException {
        if (r.splitField() != null && !r.splitField().isBlank()) {
            return SplitSpec.byField();
        }
        List<Double> f = r.fractions();
        if (f.size() != 3) {
            throw new RegulaException("split fractions: expected three numbers train,val,test (e.g. 0.7,0.15,0.15), got " + f);
        }
        SplitFractions fractions = parse("split", f.toString(), () -> new SplitFractions(f.get(0), f.get(1), f.get(2)));
        return r.grouped() ? SplitSpec.grouped(fractions, r.seed()) : SplitSpec.stratified(fractions, r.seed());
    }

    /** The backbone's first graph output: the usual feature tensor of an exported encoder. */
    private static String firstOutput(FeaturesRequest r, Path cache) throws RegulaException {
        try {
            Backbone b = Backbone.load(r.backbone(), r.tokenizer(), cache);
            return OnnxModel.read(b.model().file()).proto().getGraph().getOutput(0).getName();
        } catch (BackboneException | OnnxModelException e) {
            throw RegulaException.wrap(e);
        }
    }

    private interface Parse<T> {
        T get();
    }

    private static <T> T parse(String key, String value, Parse<T> p) throws RegulaException {
        try {
            return p.get();
        } catch (IllegalArgumentException e) {
            throw new RegulaException(key + ": " + e.getMessage(), e);
        }
    }
}
