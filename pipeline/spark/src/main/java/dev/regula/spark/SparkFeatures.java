package dev.regula.spark;

import dev.regula.models.Hashing;
import dev.regula.pipeline.Problem;
import dev.regula.pipeline.RegulaException;
import dev.regula.pipeline.stage.features.FeaturesStage;
import dev.regula.pipeline.stage.features.FeaturesStep;
import dev.regula.transfer.backbone.Backbone;
import dev.regula.transfer.backbone.FeatureModel;
import dev.regula.transfer.data.BadRowPolicy;
import dev.regula.transfer.data.DatasetException;
import dev.regula.transfer.data.DatasetSpec;
import dev.regula.transfer.data.Example;
import dev.regula.transfer.data.SkippedRows;
import dev.regula.transfer.data.Splits;
import dev.regula.transfer.data.Splitter;
import dev.regula.transfer.encode.TextEncoder;
import dev.regula.transfer.features.FeatureExtractor;
import dev.regula.transfer.features.FeatureExtractorOptions;
import dev.regula.transfer.features.FeatureJob;
import dev.regula.transfer.features.FeatureJobSpec;
import dev.regula.transfer.features.FeatureMatrix;
import dev.regula.transfer.features.FeatureStore;
import dev.regula.transfer.features.FeatureStoreException;
import dev.regula.models.OnnxModel;
import java.io.IOException;
import java.io.Serializable;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * The features stage on Spark: the input is read with Spark's readers, tokenized and run through
 * the feature model in {@code mapPartitions} (one ONNX Runtime session per executor JVM), and the
 * driver writes the very store the local engine writes.
 *
 * <p>Byte identity with the local store needs the local batches: batch mates set the padding, and
 * with it the last bits of a row's features. So the work runs in two passes. The first tokenizes
 * each row on the executors and sends back only its label, group, split and token count; the driver
 * splits the rows as the local engine does (same {@link Splitter}, same seed) and forms each split's
 * batches with the local extractor's own order ({@link BatchPlan}). The second pass groups the rows
 * by that batch and runs each batch, in the local order, through the same {@link FeatureExtractor}.
 *
 * <p>Tasks write nothing: a retried task recomputes the same rows, and only the driver writes, into
 * the stage's staging folder, which the runner moves into place atomically.
 */
public final class SparkFeatures implements FeaturesStage.Engine {
    /**
     * Local property that makes partition 0's first attempt of the extraction pass fail after its
     * first batch: lets tests show that a retried task leaves the store unchanged.
     */
    public static final String FAIL_FIRST_ATTEMPT = "regula.test.fail_first_attempt";

    /** Failures injected through {@link #FAIL_FIRST_ATTEMPT} in this JVM (local mode: the tests' JVM). */
    static final AtomicInteger INJECTED = new AtomicInteger();

    /** Tasks of the extraction pass per task slot (see {@link #extract}). */
    private static final int PARTITIONS_PER_SLOT = 4;

    /** Texts tokenized at once in the first pass (the tokenizer batches natively). */
    private static final int TOKENIZE_CHUNK = 256;

    private final SparkSession spark;

    public SparkFeatures(SparkSession spark) {
        this.spark = Objects.requireNonNull(spark, "spark");
    }

    /** One input row: its id (index in the input, bad rows included) and the fields the data spec names. */
    record Item(long id, String text, String label, String group, String split) implements Serializable {
    }

    /** What the first pass sends back per row: all but the text, and its token count. */
    record Meta(long id, String label, String group, String split, int tokens) implements Serializable {
    }

    /** A row's place in its batch, and its text. */
    record Slot(int place, long id, String text) implements Serializable {
    }

    /** A row's features. */
    record Features(long id, float[] features) implements Serializable {
    }

    /** The extractor options that matter on an executor, in a form Spark can ship. */
    record Settings(int batchSize, int intraOpThreads, boolean bucketByLength) implements Serializable {
        static Settings of(FeatureExtractorOptions o) {
            return new Settings(o.batchSize(), o.intraOpThreads(), o.bucketByLength());
        }

        FeatureExtractorOptions options() {
            return new FeatureExtractorOptions(batchSize, intraOpThreads, bucketByLength, false, 1);
        }
    }

    @Override
    public Map<String, Object> extractInto(FeatureModel model, Backbone backbone, FeatureJobSpec job, Path staging,
                                           Consumer<String> log) throws RegulaException {
        DatasetSpec data = job.data();
        if (data.format().numeric()) {
            throw new RegulaException(Problem.atKey("data.format", "the Spark engine extracts text features; numeric data ("
                    + data.format().id() + ") runs on the local engine").withExpected("jsonl or csv", data.format().id()));
        }
        if (backbone.tokenizer() == null) {
            throw new RegulaException(Problem.atKey("backbone.tokenizer", "text data needs a tokenizer, and none was given"));
        }
        long t0 = System.nanoTime();
        String dataSha;
        try {
            dataSha = Files.isDirectory(data.path()) ? Hashing.sha256Tree(data.path()) : Hashing.sha256(data.path());
        } catch (IOException e) {
            throw new RegulaException(Problem.atKey("data.path", "cannot read " + data.path() + ": " + e.getMessage()), e);
        }
        FeatureExtractorOptions options = resolved(model, job.extraction());
        FeatureStore store = extract(spark, data.path().toUri().toString(), data.format().id(), data, model, backbone,
                job, options, dataSha, staging.resolve(FeaturesStep.STORE), log);
        double seconds = (System.nanoTime() - t0) / 1e9;
        log.accept("features (spark " + spark.sparkContext().master() + "): " + store.splitNames().stream()
                .mapToInt(n -> store.split(n).rows()).sum() + " examples, dim " + model.dim() + ", labels " + store.labels());
        return Map.of("extract_seconds", seconds);
    }

    /**
     * The options each executor's extractor runs with: the local ones with the automatic batch size
     * resolved as {@link FeatureExtractor#open} resolves it, one batch at a time per task (Spark's task
     * slots are the parallelism), and no progress bar.
     */
    static FeatureExtractorOptions resolved(FeatureModel model, FeatureExtractorOptions local) {
        int batch = local.batchSize() == FeatureExtractorOptions.AUTO_BATCH
                ? OnnxModel.independentBatch(model.proto(), FeatureExtractorOptions.FLOAT_BATCH) : local.batchSize();
        return local.withBatchSize(batch).withConcurrentBatches(1).withProgress(false);
    }

    /**
     * Reads {@code uri} ({@code jsonl}, {@code csv} or {@code parquet}; any path Hadoop reads), extracts
     * its features on the executors and writes the store to {@code storeDir} on the driver.
     *
     * @param fields the text, label, group and split fields and the bad-row policy (its path is not read)
     * @param dataSha256 the data hash the store is keyed by
     * @param log receives one line with the time of each pass
     */
    public static FeatureStore extract(SparkSession spark, String uri, String format, DatasetSpec fields, FeatureModel model,
                                       Backbone backbone, FeatureJobSpec job, FeatureExtractorOptions options,
                                       String dataSha256, Path storeDir, Consumer<String> log) throws RegulaException {
        long t0 = System.nanoTime();
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        JavaRDD<Item> read = SparkInput.items(spark, uri, format, fields);
        // A small input is read as one partition (one task): spread it over the task slots so that pass 1's
        // tokenizing uses every core. Rows keep their ids, so the order and the bytes do not change.
        int taskSlots = sc.defaultParallelism();
        JavaRDD<Item> items = read.getNumPartitions() < taskSlots ? read.repartition(taskSlots) : read;
        items.persist(StorageLevel.MEMORY_AND_DISK());
        List<Broadcast<?>> broadcasts = new ArrayList<>();
        try {
            Broadcast<byte[]> tokenizer = sc.broadcast(Files.readAllBytes(backbone.tokenizer().file()));
            broadcasts.add(tokenizer);
            String tokSha = backbone.tokenizer().sha256();
            int maxLength = job.maxLength();
            boolean truncation = job.truncation();

            // pass 1: token counts (and labels, groups, splits) of every row
            List<Meta> metas = new ArrayList<>(items.mapPartitions(it -> tokenCounts(it, tokSha, tokenizer, maxLength,
                    truncation)).collect());
            metas.sort(Comparator.comparingLong(Meta::id));
            int rows = metas.isEmpty() ? 0 : (int) metas.get(metas.size() - 1).id() + 1;
            Planned planned = plan(metas, rows, fields, job, uri, options);
            long t1 = System.nanoTime();

            // pass 2: features, batch by batch as the local extractor forms them
            Broadcast<BatchPlan> plan = sc.broadcast(planned.plan());
            Broadcast<byte[]> modelBytes = sc.broadcast(model.bytes());
            broadcasts.add(plan);
            broadcasts.add(modelBytes);
            String modelSha = model.sha256();
            // Several batches per task slot: batches differ in cost (they are cut from rows sorted by length), and
            // with one task per slot the slot that drew the longest ones would finish last while the others idle.
            int partitions = Math.max(1, Math.min(planned.plan().batches(),
                    Math.max(PARTITIONS_PER_SLOT * taskSlots, items.getNumPartitions())));
            JavaPairRDD<Integer, Slot> slots = items.flatMapToPair(it -> {
                BatchPlan p = plan.value();
                int b = p.batch(it.id());
                return b < 0 ? java.util.Collections.emptyIterator()
                        : List.of(new Tuple2<>(b, new Slot(p.place(it.id()), it.id(), it.text()))).iterator();
            });
            Settings settings = Settings.of(options);
            List<Features> features = slots.groupByKey(partitions).mapPartitions(groups -> run(groups, modelSha, modelBytes,
                    settings.options(), tokSha, tokenizer, maxLength, truncation)).collect();
            long t2 = System.nanoTime();
            FeatureStore store = write(storeDir, planned, features, model.dim(), FeatureJob.storeKey(job, backbone, dataSha256));
            log.accept(String.format(java.util.Locale.ROOT, "features (spark): read, tokenize and plan %.1f s; extract %.1f s"
                    + " (%d batches in %d partitions); write %.1f s", (t1 - t0) / 1e9, (t2 - t1) / 1e9,
                    planned.plan().batches(), partitions, (System.nanoTime() - t2) / 1e9));
            return store;
        } catch (IOException e) {
            throw new RegulaException("cannot read the tokenizer " + backbone.tokenizer().file() + ": " + e.getMessage(), e);
        } finally {
            broadcasts.forEach(b -> b.destroy());
            items.unpersist(false);
        }
    }

    private static Iterator<Meta> tokenCounts(Iterator<Item> it, String tokSha, Broadcast<byte[]> tokenizer, int maxLength,
                                              boolean truncation) throws IOException {
        List<Meta> out = new ArrayList<>();
        try (TextEncoder encoder = TextEncoder.open(ExecutorModels.tokenizer(tokSha, tokenizer), maxLength, truncation)) {
            List<Item> chunk = new ArrayList<>(TOKENIZE_CHUNK);
            while (it.hasNext()) {
                chunk.add(it.next());
                if (chunk.size() == TOKENIZE_CHUNK || !it.hasNext()) {
                    List<TextEncoder.Tokens> tokens = encoder.encodeAll(chunk.stream().map(i -> i.text() == null ? "" : i.text()).toList());
                    for (int k = 0; k < chunk.size(); k++) {
                        Item i = chunk.get(k);
                        out.add(new Meta(i.id(), i.label(), i.group(), i.split(), i.text() == null ? -1 : tokens.get(k).length()));
                    }
                    chunk.clear();
                }
            }
        }
        return out.iterator();
    }

    private static Iterator<Features> run(Iterator<Tuple2<Integer, Iterable<Slot>>> groups, String modelSha,
                                      Broadcast<byte[]> model, FeatureExtractorOptions options, String tokSha,
                                      Broadcast<byte[]> tokenizer, int maxLength, boolean truncation) throws Exception {
        FeatureExtractor extractor = ExecutorModels.extractor(modelSha, model, options);
        TaskContext task = TaskContext.get();
        boolean failOnce = task != null && task.attemptNumber() == 0 && task.partitionId() == 0
                && "true".equals(task.getLocalProperty(FAIL_FIRST_ATTEMPT));
        List<Features> out = new ArrayList<>();
        try (TextEncoder encoder = TextEncoder.open(ExecutorModels.tokenizer(tokSha, tokenizer), maxLength, truncation)) {
            while (groups.hasNext()) {
                List<Slot> batch = new ArrayList<>();
                groups.next()._2().forEach(batch::add);
                batch.sort(Comparator.comparingInt(Slot::place));
                // one batch of at most batchSize rows, already in the extractor's (stable, by length) order
                float[][] f = extractor.extract(batch.stream().map(Slot::text).toList(), encoder);
                for (int k = 0; k < f.length; k++) {
                    out.add(new Features(batch.get(k).id(), f[k]));
                }
                if (failOnce) {
                    INJECTED.incrementAndGet();
                    throw new IllegalStateException("injected failure (" + FAIL_FIRST_ATTEMPT + ") after the first batch of "
                            + "partition 0, attempt 0");
                }
            }
        }
        return out.iterator();
    }

    /** The splits and batches, formed on the driver from the first pass. */
    record Planned(List<long[]> ids, List<int[]> labels, List<String> labelNames, BatchPlan plan) {
    }

    private static Planned plan(List<Meta> metas, int rows, DatasetSpec fields, FeatureJobSpec job, String uri,
                                FeatureExtractorOptions options) throws RegulaException {
        List<Example> examples = new ArrayList<>(metas.size());
        Map<Example, Long> idOf = new IdentityHashMap<>();
        int[] lengthOf = new int[rows];
        for (Meta m : metas) {
            String bad = m.tokens() < 0 ? "no text in field '" + fields.textField() + "'"
                    : m.label() == null || m.label().isEmpty() ? "no label in field '" + fields.labelField() + "'" : null;
            if (bad != null) {
                if (fields.badRows() == BadRowPolicy.FAIL) {
                    throw new RegulaException(Problem.atKey("data.path", uri + ": row " + (m.id() + 1) + " (blank lines not "
                            + "counted): " + bad).withExpected("every row with a text and a label (or data.bad_rows: skip)", null));
                }
                continue;
            }
            Example e = new Example("", null, m.label(), m.group(), m.split(), uri + ":" + (m.id() + 1));
            examples.add(e);
            idOf.put(e, m.id());
            lengthOf[(int) m.id()] = m.tokens();
        }
        Splits splits;
        try {
            splits = Splitter.split(new dev.regula.transfer.data.Dataset(fields, examples, SkippedRows.none(), "spark"),
                    job.split());
        } catch (DatasetException e) {
            throw RegulaException.atKey("data", e);
        }
        List<long[]> ids = new ArrayList<>();
        List<int[]> labels = new ArrayList<>();
        for (String name : Splits.NAMES) {
            List<Example> split = splits.get(name);
            long[] s = new long[split.size()];
            int[] l = new int[split.size()];
            for (int i = 0; i < s.length; i++) {
                s[i] = idOf.get(split.get(i));
                l[i] = splits.labels().index(split.get(i).label());
            }
            ids.add(s);
            labels.add(l);
        }
        return new Planned(ids, labels, splits.labels().names(),
                BatchPlan.of(ids, lengthOf, rows, options.batchSize(), options.bucketByLength()));
    }

    private static FeatureStore write(Path storeDir, Planned planned, List<Features> features, int dim,
                                      dev.regula.transfer.features.StoreKey key) throws RegulaException {
        Map<Long, float[]> byId = new java.util.HashMap<>(features.size() * 2);
        for (Features r : features) {
            if (r.features().length != dim || byId.put(r.id(), r.features()) != null) {
                throw new IllegalStateException("row " + r.id() + " came back twice or with " + r.features().length
                        + " features instead of " + dim);
            }
        }
        Map<String, FeatureMatrix> matrices = new LinkedHashMap<>();
        for (int s = 0; s < Splits.NAMES.size(); s++) {
            long[] ids = planned.ids().get(s);
            float[] flat = new float[ids.length * dim];
            for (int i = 0; i < ids.length; i++) {
                float[] f = byId.get(ids[i]);
                if (f == null) {
                    throw new IllegalStateException("no features came back for row " + ids[i]);
                }
                System.arraycopy(f, 0, flat, i * dim, dim);
            }
            matrices.put(Splits.NAMES.get(s), new FeatureMatrix(FloatBuffer.wrap(flat), ids.length, dim, planned.labels().get(s)));
        }
        try {
            return FeatureStore.write(storeDir, key, planned.labelNames(), matrices);
        } catch (FeatureStoreException e) {
            throw RegulaException.wrap(e);
        }
    }
}
