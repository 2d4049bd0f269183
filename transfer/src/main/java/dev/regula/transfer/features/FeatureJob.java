package dev.regula.transfer.features;

import dev.regula.transfer.backbone.Backbone;
import dev.regula.transfer.backbone.BackboneException;
import dev.regula.transfer.backbone.FeatureModel;
import dev.regula.transfer.backbone.FeatureModelBuilder;
import dev.regula.transfer.data.Dataset;
import dev.regula.transfer.data.DatasetException;
import dev.regula.transfer.data.DatasetReader;
import dev.regula.transfer.data.Example;
import dev.regula.transfer.data.Splits;
import dev.regula.transfer.data.Splitter;
import dev.regula.transfer.encode.EncoderMismatchException;
import dev.regula.transfer.encode.NumericEncoder;
import dev.regula.transfer.encode.TextEncoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Data + backbone to a feature store: read and split the data, build the feature model, run it once
 * per example, and store the features. When the store's manifest already matches the backbone hash,
 * the data hash and the encoder and split settings, nothing is extracted.
 */
public final class FeatureJob {
    /** The feature model's file name inside the job's output folder. */
    public static final String FEATURE_MODEL = "feature-model.onnx";
    /** The store's folder name inside the job's output folder. */
    public static final String STORE = "store";

    private static final Logger LOG = LoggerFactory.getLogger(FeatureJob.class);

    private FeatureJob() {
    }

    public static FeatureJobResult run(FeatureJobSpec spec) throws FeatureJobException {
        try {
            return runChecked(spec);
        } catch (BackboneException | DatasetException | FeatureStoreException | FeatureExtractorException
                 | EncoderMismatchException e) {
            throw new FeatureJobException(e.getMessage(), e);
        } catch (IOException e) {
            throw new FeatureJobException("I/O error in the feature job writing " + spec.outDir() + ": " + e.getMessage(), e);
        }
    }

    private static FeatureJobResult runChecked(FeatureJobSpec spec) throws BackboneException, DatasetException,
            FeatureStoreException, FeatureExtractorException, EncoderMismatchException, IOException {
        Backbone backbone = Backbone.load(spec.backbone(), spec.tokenizer(), spec.cacheDir());
        Dataset data = DatasetReader.read(spec.data());
        if (data.skipped().total() > 0) {
            LOG.warn("{}: skipped {}", data.path(), data.skipped());
        }
        Path storeDir = spec.outDir().resolve(STORE);
        Path modelFile = spec.outDir().resolve(FEATURE_MODEL);
        Files.createDirectories(spec.outDir());
        FeatureJobResult upToDate = upToDate(spec, backbone, data);
        if (upToDate != null) {
            return upToDate;
        }

        FeatureModel model = FeatureModelBuilder.build(backbone, spec.feature());
        model.save(modelFile);
        long start = System.nanoTime();
        FeatureStore store = extractChecked(storeDir, model, backbone, data, spec);
        double seconds = (System.nanoTime() - start) / 1e9;
        return result(storeDir, modelFile, false, store, seconds, data);
    }

    /**
     * What {@link #run} returns when {@code spec.outDir()} already holds its store and feature model,
     * else {@code null}; writes nothing but the backbone cache ({@code spec.cacheDir()}). Lets a caller
     * that stages a new output beside the old one skip the work.
     */
    public static FeatureJobResult ifUpToDate(FeatureJobSpec spec) throws FeatureJobException {
        try {
            Backbone backbone = Backbone.load(spec.backbone(), spec.tokenizer(), spec.cacheDir());
            return upToDate(spec, backbone, DatasetReader.read(spec.data()));
        } catch (BackboneException | DatasetException | FeatureStoreException e) {
            throw new FeatureJobException(e.getMessage(), e);
        }
    }

    private static FeatureJobResult upToDate(FeatureJobSpec spec, Backbone backbone, Dataset data) throws FeatureStoreException {
        StoreKey key = new StoreKey(backbone.model().sha256(), data.sha256(), encoderConfig(spec, backbone));
        Path storeDir = spec.outDir().resolve(STORE);
        Path modelFile = spec.outDir().resolve(FEATURE_MODEL);
        if (!FeatureStore.isUpToDate(storeDir, key) || !Files.isRegularFile(modelFile)) {
            return null;
        }
        FeatureStore store = FeatureStore.open(storeDir);
        LOG.info("features up to date in {} (backbone {}, data {})", storeDir, shortHash(key.backboneSha256()),
                shortHash(key.dataSha256()));
        return result(storeDir, modelFile, true, store, 0, data);
    }

    /**
     * Splits {@code data}, runs an already built feature model once per example and writes the
     * store to {@code storeDir} (keyed as {@link #run} keys it). The pipeline's features stage
     * calls this with the feature model its import stage built.
     *
     * @param backbone the backbone the model was built from (its hash keys the store; its tokenizer encodes text)
     */
    public static FeatureStore extractTo(Path storeDir, FeatureModel model, Backbone backbone, Dataset data,
                                         FeatureJobSpec spec) throws FeatureJobException {
        try {
            return extractChecked(storeDir, model, backbone, data, spec);
        } catch (BackboneException | DatasetException | FeatureStoreException | FeatureExtractorException
                 | EncoderMismatchException e) {
            throw new FeatureJobException(e.getMessage(), e);
        } catch (IOException e) {
            throw new FeatureJobException("I/O error writing features to " + storeDir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Whether {@code storeDir} already holds what {@link #extractTo} would write there for this
     * backbone, data and settings (the same key {@link #run} checks before it extracts).
     */
    public static boolean isUpToDate(Path storeDir, Backbone backbone, Dataset data, FeatureJobSpec spec) {
        return FeatureStore.isUpToDate(storeDir, new StoreKey(backbone.model().sha256(), data.sha256(), encoderConfig(spec, backbone)));
    }

    private static FeatureStore extractChecked(Path storeDir, FeatureModel model, Backbone backbone, Dataset data,
                                               FeatureJobSpec spec) throws BackboneException, DatasetException,
            FeatureStoreException, FeatureExtractorException, EncoderMismatchException, IOException {
        StoreKey key = new StoreKey(backbone.model().sha256(), data.sha256(), encoderConfig(spec, backbone));
        Splits splits = Splitter.split(data, spec.split());
        Map<String, FeatureMatrix> matrices = new LinkedHashMap<>();
        try (FeatureExtractor extractor = FeatureExtractor.open(model, spec.extraction())) {
            for (String name : Splits.NAMES) {
                List<Example> examples = splits.get(name);
                int[] labels = new int[examples.size()];
                for (int i = 0; i < labels.length; i++) {
                    labels[i] = splits.labels().index(examples.get(i).label());
                }
                LOG.info("extracting {} features of {} examples", name, examples.size());
                matrices.put(name, extract(extractor, backbone, spec, examples, labels, model.dim()));
            }
        }
        return FeatureStore.write(storeDir, key, splits.labels().names(), matrices);
    }

    private static FeatureMatrix extract(FeatureExtractor extractor, Backbone backbone, FeatureJobSpec spec,
                                         List<Example> examples, int[] labels, int dim)
            throws FeatureExtractorException, EncoderMismatchException, BackboneException, IOException {
        if (spec.data().format().numeric()) {
            List<float[]> vectors = examples.stream().map(Example::vector).toList();
            int width = vectors.isEmpty() ? 1 : vectors.get(0).length;
            return extractor.extract(vectors, labels, new NumericEncoder(width));
        }
        if (backbone.tokenizer() == null) {
            throw new BackboneException(spec.backbone(), "text data needs a tokenizer, and none was given: "
                    + "pass a tokenizer.json source, or use a backbone folder holding tokenizer.json");
        }
        try (TextEncoder encoder = TextEncoder.open(backbone.tokenizer().file(), spec.maxLength(), spec.truncation())) {
            return extractor.extract(examples.stream().map(Example::text).toList(), labels, encoder);
        }
    }

    /**
     * The key {@link #extractTo} records for data hashed {@code dataSha256}: lets another engine (Spark)
     * write the very store the local one writes.
     */
    public static StoreKey storeKey(FeatureJobSpec spec, Backbone backbone, String dataSha256) {
        return new StoreKey(backbone.model().sha256(), dataSha256, encoderConfig(spec, backbone));
    }

    /** The settings that change what the store holds, sorted, as recorded in its manifest. */
    static Map<String, Object> encoderConfig(FeatureJobSpec spec, Backbone backbone) {
        Map<String, Object> c = new TreeMap<>();
        c.put("backbone.source", spec.backbone());
        c.put("feature.tensor", String.valueOf(spec.feature().tensor()));
        c.put("feature.pooling", spec.feature().pooling().yamlName());
        c.put("feature.l2_normalize", spec.feature().l2Normalize());
        c.put("feature.mask_input", String.valueOf(spec.feature().maskInput()));
        c.put("tokenizer.sha256", backbone.tokenizer() == null ? "none" : backbone.tokenizer().sha256());
        c.put("tokenizer.max_length", spec.maxLength());
        c.put("tokenizer.truncation", spec.truncation());
        // As asked (0: automatic, which the backbone's hash then decides); a dynamically quantized
        // backbone's features depend on it, and other backbones' differ in the last bits.
        c.put("extraction.batch_size", spec.extraction().batchSize());
        c.put("data.format", spec.data().format().id());
        c.put("data.text_field", String.valueOf(spec.data().textField()));
        c.put("data.label_field", String.valueOf(spec.data().labelField()));
        c.put("data.group_field", String.valueOf(spec.data().groupField()));
        c.put("data.split_field", String.valueOf(spec.data().splitField()));
        c.put("data.feature_fields", String.join(",", spec.data().featureFields()));
        c.put("data.bad_rows", spec.data().badRows().name().toLowerCase(java.util.Locale.ROOT));
        spec.split().describe().forEach((k, v) -> c.put("split." + k, String.valueOf(v)));
        return c;
    }

    private static FeatureJobResult result(Path storeDir, Path modelFile, boolean upToDate, FeatureStore store,
                                           double seconds, Dataset data) {
        Map<String, Integer> rows = new LinkedHashMap<>();
        int dim = 0;
        for (String name : store.splitNames()) {
            FeatureMatrix m = store.split(name);
            rows.put(name, m.rows());
            dim = m.dim();
        }
        String skipped = data.skipped().total() == 0 ? "" : data.skipped().toString();
        return new FeatureJobResult(storeDir, modelFile, upToDate, rows, dim, store.labels(), seconds, skipped);
    }

    private static String shortHash(String sha) {
        return sha.length() > 12 ? sha.substring(0, 12) : sha;
    }
}
