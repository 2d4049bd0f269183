package dev.regula.pipeline.stage.features;

import dev.regula.pipeline.run.Json;
import dev.regula.models.AtomicFiles;
import dev.regula.models.OnnxModel;
import dev.regula.models.OnnxModelException;
import dev.regula.pipeline.OptionName;
import dev.regula.pipeline.Problem;
import dev.regula.pipeline.RegulaException;
import dev.regula.pipeline.run.OutputFolder;
import dev.regula.pipeline.spec.PipelineSpec;
import dev.regula.pipeline.spec.Sections;
import dev.regula.pipeline.stage.imports.ImportStep;
import dev.regula.transfer.TransferException;
import dev.regula.transfer.backbone.Backbone;
import dev.regula.transfer.backbone.BackboneException;
import dev.regula.transfer.backbone.FeatureModel;
import dev.regula.transfer.backbone.FeatureSpec;
import dev.regula.transfer.backbone.Pooling;
import dev.regula.transfer.backbone.FeatureModelBuilder;
import dev.regula.transfer.backbone.SourceFile;
import dev.regula.transfer.data.BadRowPolicy;
import dev.regula.transfer.data.Dataset;
import dev.regula.transfer.data.DatasetException;
import dev.regula.transfer.data.DatasetFormat;
import dev.regula.transfer.data.DatasetReader;
import dev.regula.transfer.data.DatasetSpec;
import dev.regula.models.Hashing;
import dev.regula.transfer.data.SplitFractions;
import dev.regula.transfer.data.SplitSpec;
import dev.regula.transfer.encode.EncoderMismatchException;
import dev.regula.transfer.features.FeatureExtractorOptions;
import dev.regula.transfer.features.FeatureJob;
import dev.regula.transfer.features.FeatureJobException;
import dev.regula.transfer.features.FeatureJobResult;
import dev.regula.transfer.features.FeatureJobSpec;
import dev.regula.transfer.features.FeatureStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The features stage: a dataset split and run once through the feature model, stored as
 * {@code store/}. The pipeline's features stage ({@link FeaturesStage}, through {@link #extractInto})
 * and {@code regula features} (explicit paths, {@link #run}) both extract through it.
 */
public final class FeaturesStep {
    /** The feature store's folder. */
    public static final String STORE = FeatureJob.STORE;

    private FeaturesStep() {
    }

    /**
     * A request to extract and cache backbone features for a dataset: what {@code regula features}
     * and the Maven plugin's features goal map their options to.
     *
     * @param backbone backbone source (path, folder, {@code classpath:}, or Maven coordinates {@code g:a:v!/entry})
     * @param tokenizer tokenizer source, or {@code null} (a backbone folder's own tokenizer.json, or none)
     * @param featureTensor tensor to pool, or {@code null} for the backbone's first output
     * @param pooling {@code mean}, {@code cls}, {@code max} or {@code none}
     * @param l2Normalize divide each feature vector by its L2 norm
     * @param maskInput the attention-mask input read by mean and max pooling, or {@code null} for {@code attention_mask}
     * @param maxLength maximum tokens per text
     * @param truncation cut texts longer than {@code maxLength}
     * @param data dataset file or folder
     * @param format {@code jsonl}, {@code csv}, {@code folders}, {@code numeric-csv}, {@code numeric-jsonl}, or {@code null} to guess from the file name
     * @param textField text field or column
     * @param labelField label field or column
     * @param groupField group field, or {@code null}
     * @param splitField field naming each row's split, or {@code null} for a seeded stratified split
     * @param badRows {@code fail} or {@code skip}
     * @param fractions train, val and test fractions
     * @param grouped keep each group in one split
     * @param seed split seed
     * @param batchSize examples per backbone call (0: automatic, 1 for dynamically quantized backbones, else 16)
     * @param threads CPU threads, run as that many single-threaded batches at once (0: one per core)
     * @param progress show progress
     * @param out output folder
     */
    public record Request(String backbone, String tokenizer, String featureTensor, String pooling, boolean l2Normalize,
                                  String maskInput, int maxLength, boolean truncation, Path data, String format, String textField,
                                  String labelField, String groupField, String splitField, String badRows,
                                  List<Double> fractions, boolean grouped, long seed, int batchSize, int threads,
                                  boolean progress, Path out) {
        public Request {
            Objects.requireNonNull(backbone, "backbone");
            Objects.requireNonNull(data, "data");
            Objects.requireNonNull(out, "out");
            fractions = List.copyOf(fractions);
        }

        /** The same request writing to {@code other}. */
        Request withOut(Path other) {
            return new Request(backbone, tokenizer, featureTensor, pooling, l2Normalize, maskInput, maxLength, truncation, data,
                    format, textField, labelField, groupField, splitField, badRows, fractions, grouped, seed, batchSize,
                    threads, progress, other);
        }
    }

    /**
     * Extracts (or finds up to date) the store, and keeps a copy of the backbone's tokenizer beside it
     * as {@code OUT/tokenizer.json}, so the folder holds all that {@code regula export} needs.
     */
    public static FeatureJobResult run(Request r) throws RegulaException {
        return removingNewOutOnFailure(r.out(), () -> staged(r, () -> upToDate(r), staging -> extract(r.withOut(staging))));
    }

    /** The output kind recorded in {@code OUT}'s {@link OutputFolder#MARKER}. */
    private static final String KIND = "features " + STORE;

    private interface Check {
        FeatureJobResult upToDateOrNull() throws RegulaException;
    }

    /**
     * Finds {@code OUT} up to date, or writes it anew beside itself and moves it into place, so a
     * failed or killed command leaves the earlier output or none, never a half-written one. An
     * existing {@code OUT} must be an earlier output of this command (its marker), or it is refused.
     */
    private static FeatureJobResult staged(Request r, Check check, OutputFolder.Body<FeatureJobResult> body)
            throws RegulaException {
        Path target = r.out().toAbsolutePath().normalize();
        OutputFolder.check(target, OptionName.OUT, KIND);
        if (KIND.equals(OutputFolder.kindOf(target))) {
            FeatureJobResult up = check.upToDateOrNull();
            if (up != null) {
                return up;
            }
        }
        return OutputFolder.write(target, OptionName.OUT, KIND, staging -> {
            FeatureJobResult res = body.write(staging);
            return new FeatureJobResult(moved(res.store(), staging, target), moved(res.featureModel(), staging, target),
                    res.upToDate(), res.rows(), res.dim(), res.labels(), res.extractSeconds(), res.skippedRows());
        });
    }

    private static Path moved(Path p, Path staging, Path target) {
        Path abs = p.toAbsolutePath().normalize();
        return abs.startsWith(staging) ? target.resolve(staging.relativize(abs)) : p;
    }

    private static FeatureJobResult upToDate(Request r) throws RegulaException {
        try {
            FeatureJobResult result = FeatureJob.ifUpToDate(toSpec(r));
            if (result != null) {
                copyTokenizer(r);
            }
            return result;
        } catch (FeatureJobException e) {
            throw RegulaException.wrap(e);
        }
    }

    private static FeatureJobResult extract(Request r) throws RegulaException {
        FeatureJobSpec spec = toSpec(r);
        FeatureJobResult result;
        try {
            result = FeatureJob.run(spec);
        } catch (FeatureJobException e) {
            throw RegulaException.wrap(e);
        }
        copyTokenizer(r);
        return result;
    }

    /** Keeps the backbone's tokenizer beside the store as {@code OUT/tokenizer.json}. */
    private static void copyTokenizer(Request r) throws RegulaException {
        FeatureJobSpec spec = toSpec(r);
        try {
            Backbone b = Backbone.load(r.backbone(), r.tokenizer(), spec.cacheDir());
            Path copy = r.out().resolve(ImportStep.TOKENIZER);
            if (b.tokenizer() != null && !hashes(copy, b.tokenizer().sha256())) {
                AtomicFiles.copy(b.tokenizer().file(), copy);
            }
        } catch (BackboneException e) {
            throw RegulaException.wrap(e);
        } catch (IOException e) {
            throw new RegulaException("cannot copy the tokenizer into " + r.out() + ": " + e.getMessage(), e);
        }
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
    public static FeatureJobResult runOnFeatureModel(Path featureModel, Path tokenizer, Request r)
            throws RegulaException {
        Path given = featureModel.toAbsolutePath().normalize();
        Path dir = Files.isDirectory(given) ? given : given.getParent();
        if (dir != null && dir.equals(r.out().toAbsolutePath().normalize())) {
            // OUT is the import's own folder: only its store/ is written, and that atomically
            return extractOnFeatureModel(featureModel, tokenizer, r, false);
        }
        return removingNewOutOnFailure(r.out(), () -> staged(r,
                () -> extractOnFeatureModel(featureModel, tokenizer, r, true),
                staging -> extractOnFeatureModel(featureModel, tokenizer, r.withOut(staging), false)));
    }

    /**
     * The pipeline's extraction: reads the data of {@code job}, extracts {@code store/} into
     * {@code staging} with the committed feature model and backbone, and returns the timings to record.
     */
    static Map<String, Object> extractInto(FeatureModel model, Backbone backbone, FeatureJobSpec job, Path staging,
                                           Consumer<String> log) throws RegulaException {
        Dataset data;
        try {
            data = DatasetReader.read(job.data());
        } catch (DatasetException e) {
            throw RegulaException.atKey("data", e);
        }
        if (data.skipped().total() > 0) {
            log.accept("features: skipped " + data.skipped());
        }
        long t0 = System.nanoTime();
        try {
            FeatureStore store = FeatureJob.extractTo(staging.resolve(STORE), model, backbone, data, job);
            double seconds = (System.nanoTime() - t0) / 1e9;
            log.accept("features: " + data.size() + " examples, dim " + model.dim() + ", labels " + store.labels());
            return Map.of("extract_seconds", seconds);
        } catch (FeatureJobException e) {
            if (e.getCause() instanceof EncoderMismatchException) {
                throw new RegulaException(Problem.atKey("backbone.model", "its inputs do not match the "
                        + (job.data().format().numeric() ? "numeric" : "text") + " data in data.path: " + e.getMessage())
                        .withExpected("inputs for " + (job.data().format().numeric() ? "numeric" : "text") + " data", null), e);
            }
            throw RegulaException.wrap(e);
        }
    }

    /** FeatureJob's spec for a pipeline spec (the validate stage re-reads the test split with it). */
    public static FeatureJobSpec jobSpec(PipelineSpec spec, Path outDir, Path cacheDir, FeatureSpec feature)
            throws RegulaException {
        Sections.Backbone b = spec.backbone();
        SplitSpec split = splitSpec(spec);
        FeatureExtractorOptions extraction = FeatureExtractorOptions.defaults().withBatchSize(spec.features().batchSize())
                .withThreads(spec.features().threads()).withProgress(true);
        return new FeatureJobSpec(b.model(), b.tokenizer(), feature, b.maxLength(), b.truncation(), spec.data(), split,
                extraction, outDir, cacheDir);
    }

    /** The spec's split: by field, grouped or stratified, seeded by the spec's seed. */
    public static SplitSpec splitSpec(PipelineSpec spec) throws RegulaException {
        Sections.Split s = spec.split();
        try {
            SplitFractions f = new SplitFractions(s.train(), s.val(), s.test());
            return spec.data().splitField() != null ? SplitSpec.byField()
                    : s.grouped() ? SplitSpec.grouped(f, spec.seed()) : SplitSpec.stratified(f, spec.seed());
        } catch (IllegalArgumentException e) {
            throw RegulaException.atKey("split", e);
        }
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

    /** With {@code onlyIfUpToDate}, returns {@code null} instead of extracting (and writes nothing). */
    private static FeatureJobResult extractOnFeatureModel(Path featureModel, Path tokenizer, Request r, boolean onlyIfUpToDate)
            throws RegulaException {
        Path given = featureModel.toAbsolutePath().normalize();
        Path file = Files.isDirectory(given) ? given.resolve(FeatureJob.FEATURE_MODEL) : given;
        if (!Files.isRegularFile(file)) {
            throw new RegulaException(Problem.about(OptionName.FEATURE_MODEL, (Files.isDirectory(given) ? given + " holds no "
                    + FeatureJob.FEATURE_MODEL : "not found: " + given) + "; expected the output folder of `regula import`, "
                    + "a pipeline's work/import, or its feature-model.onnx"));
        }
        FeatureModel model;
        try {
            model = FeatureModel.load(file);
        } catch (BackboneException e) {
            throw RegulaException.wrap(OptionName.FEATURE_MODEL, e);
        }
        Path tok = tokenizer != null ? tokenizer.toAbsolutePath().normalize() : file.resolveSibling(ImportStep.TOKENIZER);
        if (tokenizer != null && !Files.isRegularFile(tok)) {
            throw new RegulaException(Problem.about(OptionName.TOKENIZER, "file not found: " + tok));
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
                        && (tokFile == null || hashes(r.out().resolve(ImportStep.TOKENIZER), tokFile.sha256())));
            if (onlyIfUpToDate && !upToDate) {
                return null;
            }
            long t0 = System.nanoTime();
            FeatureStore store;
            if (upToDate) {
                store = FeatureStore.open(storeDir);
            } else {
                store = FeatureJob.extractTo(storeDir, model, committed, data, spec);
                if (!inPlace) {
                    model.save(modelCopy);
                    if (tokFile != null) {
                        AtomicFiles.copy(tok, r.out().resolve(ImportStep.TOKENIZER));
                    }
                }
            }
            double seconds = upToDate ? 0 : (System.nanoTime() - t0) / 1e9;
            Map<String, Integer> rows = new LinkedHashMap<>();
            store.splitNames().forEach(n -> rows.put(n, store.split(n).rows()));
            return new FeatureJobResult(store.dir(), modelCopy, upToDate, rows, model.dim(), store.labels(), seconds,
                    data.skipped().total() == 0 ? "" : data.skipped().toString());
        } catch (DatasetException e) {
            throw RegulaException.wrap(OptionName.DATA, e);
        } catch (TransferException e) {
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
     * {@link Sections.Backbone#DEFAULT_MAX_LENGTH} tokens with truncation when there is none (a pipeline's work/import).
     */
    public record Encoding(int maxLength, boolean truncation) {
    }

    public static Encoding importedEncoding(Path featureModel) throws RegulaException {
        Path p = featureModel.toAbsolutePath().normalize();
        Path info = (Files.isDirectory(p) ? p : p.getParent()).resolve(ImportStep.INFO);
        if (!Files.isRegularFile(info)) {
            return new Encoding(Sections.Backbone.DEFAULT_MAX_LENGTH, true);
        }
        try {
            com.fasterxml.jackson.databind.JsonNode t = Json.MAPPER.readTree(info.toFile())
                    .path("tokenizer");
            return new Encoding(t.path("max_length").asInt(Sections.Backbone.DEFAULT_MAX_LENGTH), t.path("truncation").asBoolean(true));
        } catch (IOException e) {
            throw new RegulaException(Problem.about(OptionName.FEATURE_MODEL, "cannot read " + info + ": " + e.getMessage()), e);
        }
    }



    static FeatureJobSpec toSpec(Request r) throws RegulaException {
        Path cache = r.out().resolve(".cache");
        Pooling pooling = parse("pooling", r.pooling(), () -> Pooling.parse(r.pooling()));
        String tensor = r.featureTensor() != null && !r.featureTensor().isBlank() ? r.featureTensor() : firstOutput(r, cache);
        return toSpec(r, r.backbone(), r.tokenizer(), new FeatureSpec(tensor, pooling, r.l2Normalize(), r.maskInput()));
    }

    private static FeatureJobSpec toSpec(Request r, String backbone, String tokenizer, FeatureSpec feature)
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

    private static SplitSpec splitSpec(Request r) throws RegulaException {
        if (r.splitField() != null && !r.splitField().isBlank()) {
            return SplitSpec.byField();
        }
        List<Double> f = r.fractions();
        if (f.size() != 3) {
            throw new RegulaException(Problem.atKey("split", "expected three fractions train,val,test (e.g. 0.7,0.15,0.15), got " + f)
                    .withExpected("train,val,test", f.toString()));
        }
        SplitFractions fractions = parse("split", f.toString(), () -> new SplitFractions(f.get(0), f.get(1), f.get(2)));
        return r.grouped() ? SplitSpec.grouped(fractions, r.seed()) : SplitSpec.stratified(fractions, r.seed());
    }

    /** The backbone's first graph output: the usual feature tensor of an exported encoder. */
    private static String firstOutput(Request r, Path cache) throws RegulaException {
        try {
            Backbone b = Backbone.load(r.backbone(), r.tokenizer(), cache);
            return FeatureModelBuilder.firstOutput(OnnxModel.read(b.model().file()).proto(), b.model().source());
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
            throw new RegulaException(Problem.atKey(key, String.valueOf(e.getMessage())).withExpected(null, value), e);
        }
    }
}
