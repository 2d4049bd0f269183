package dev.regula.transfer.features;

import dev.regula.models.OnnxModel;
import dev.regula.models.runtime.Device;
import dev.regula.models.runtime.GraphOptimization;
import dev.regula.models.runtime.OrtRunner;
import dev.regula.models.runtime.RunnerException;
import dev.regula.models.runtime.RunnerOptions;
import dev.regula.models.runtime.Tensor;
import dev.regula.transfer.backbone.FeatureModel;
import dev.regula.transfer.encode.BatchTensor;
import dev.regula.transfer.encode.EncoderMismatchException;
import dev.regula.transfer.encode.InputEncoder;
import dev.regula.transfer.encode.ModelInput;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

/**
 * Runs a {@link FeatureModel} on ONNX Runtime over many items. Items are encoded once, sorted by
 * length (when bucketing), cut into batches padded only to their own longest item, run, and put
 * back in the caller's order.
 */
public final class FeatureExtractor implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(FeatureExtractor.class);
    private final FeatureModel model;
    private final FeatureExtractorOptions options;
    private final OrtRunner runner;

    private FeatureExtractor(FeatureModel model, FeatureExtractorOptions options, OrtRunner runner) {
        this.model = model;
        this.options = options;
        this.runner = runner;
    }

    /** Loads the feature model into an ONNX Runtime session (CPU), through {@link OrtRunner}. */
    public static FeatureExtractor open(FeatureModel model, FeatureExtractorOptions options) throws FeatureExtractorException {
        FeatureExtractorOptions resolved = options;
        if (options.batchSize() == FeatureExtractorOptions.AUTO_BATCH) {
            resolved = options.withBatchSize(OnnxModel.independentBatch(model.proto(), FeatureExtractorOptions.FLOAT_BATCH));
        } else if (OnnxModel.independentBatch(model.proto(), options.batchSize()) != options.batchSize()) {
            LOG.warn("the feature model quantizes dynamically (DynamicQuantizeLinear): with batch size {} each example's"
                    + " features depend on its batch mates (cosine ~0.99 to a lone run); batch size 1 (or 0, automatic)"
                    + " gives the features the exported model computes per request", options.batchSize());
        }
        RunnerOptions runner = RunnerOptions.builder().device(Device.CPU).optimization(GraphOptimization.ALL)
                .intraOpThreads(options.intraOpThreads()).build();
        try {
            return new FeatureExtractor(model, resolved, OrtRunner.open(model.bytes(), runner));
        } catch (RunnerException e) {
            throw new FeatureExtractorException("ONNX Runtime cannot load the feature model (backbone "
                    + model.backboneSource() + "): " + e.getMessage(), e);
        }
    }

    /** The options this extractor runs with, an automatic batch size resolved. */
    public FeatureExtractorOptions options() {
        return options;
    }

    /** Feature dimension {@code d}. */
    public int dim() {
        return model.dim();
    }

    /**
     * Features of {@code items}, one row each, in the order given.
     *
     * @throws EncoderMismatchException when the encoder cannot feed the model's inputs
     * @throws FeatureExtractorException when an item cannot be encoded or ONNX Runtime fails
     */
    public <T> float[][] extract(List<T> items, InputEncoder<T, ?> encoder) throws EncoderMismatchException, FeatureExtractorException {
        float[] flat = run(items, encoder);
        int d = model.dim();
        float[][] out = new float[items.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = java.util.Arrays.copyOfRange(flat, i * d, (i + 1) * d);
        }
        return out;
    }

    /** Features of {@code items} with the caller's labels, as a matrix. */
    public <T> FeatureMatrix extract(List<T> items, int[] labels, InputEncoder<T, ?> encoder)
            throws EncoderMismatchException, FeatureExtractorException {
        if (labels.length != items.size()) {
            throw new IllegalArgumentException("labels has " + labels.length + " entries for " + items.size() + " items");
        }
        float[] flat = run(items, encoder);
        return new FeatureMatrix(FloatBuffer.wrap(flat), items.size(), model.dim(), labels.clone());
    }

    private <T, E extends InputEncoder.Encoded> float[] run(List<T> items, InputEncoder<T, E> encoder)
            throws EncoderMismatchException, FeatureExtractorException {
        List<ModelInput> inputs = model.inputs();
        encoder.check(inputs);
        List<E> encoded;
        try {
            encoded = encoder.encodeAll(items);
        } catch (IllegalArgumentException e) {
            throw new FeatureExtractorException(encoder.name() + ": " + e.getMessage(), e);
        }
        int n = items.size();
        int d = model.dim();
        int[] lengths = new int[n];
        for (int i = 0; i < n; i++) {
            lengths[i] = encoded.get(i).length();
        }
        Integer[] order = batchOrder(lengths, options.bucketByLength());
        float[] out = new float[n * d];
        int batches = (n + options.batchSize() - 1) / options.batchSize();
        try (Progress progress = options.progress() ? Progress.start("features", n) : Progress.none()) {
            if (options.concurrentBatches() == 1 || batches <= 1) {
                for (int b = 0; b < batches; b++) {
                    progress.step(runSlice(encoder, encoded, order, b, inputs, out));
                }
            } else {
                runConcurrently(encoder, encoded, order, batches, inputs, out, progress);
            }
        }
        return out;
    }

    /**
     * The order items are batched in: by length when bucketing (a stable sort, so equal lengths keep
     * the caller's order), else as given. Batch {@code b} is entries {@code [b*batchSize, (b+1)*batchSize)}.
     * Public so that another engine (Spark) can form the very batches this extractor forms: batch
     * mates set the padding, which can change a row's features in the last bits.
     */
    public static Integer[] batchOrder(int[] lengths, boolean bucketByLength) {
        Integer[] order = IntStream.range(0, lengths.length).boxed().toArray(Integer[]::new);
        if (bucketByLength) {
            java.util.Arrays.sort(order, Comparator.comparingInt(i -> lengths[i]));
        }
        return order;
    }

    /** Runs batch {@code b} of the (sorted) order and writes its rows into {@code out}; returns its size. */
    private <E extends InputEncoder.Encoded> int runSlice(InputEncoder<?, E> encoder, List<E> encoded,
                                                         Integer[] order, int b, List<ModelInput> inputs, float[] out)
            throws FeatureExtractorException {
        int d = model.dim();
        int start = b * options.batchSize();
        int end = Math.min(order.length, start + options.batchSize());
        List<E> batch = new ArrayList<>(end - start);
        for (int k = start; k < end; k++) {
            batch.add(encoded.get(order[k]));
        }
        float[] rows = runBatch(encoder.collate(batch, inputs), end - start, d);
        for (int k = start; k < end; k++) {
            System.arraycopy(rows, (k - start) * d, out, order[k] * d, d);
        }
        return end - start;
    }

    private <E extends InputEncoder.Encoded> void runConcurrently(InputEncoder<?, E> encoder, List<E> encoded,
                                                                 Integer[] order, int batches, List<ModelInput> inputs,
                                                                 float[] out, Progress progress) throws FeatureExtractorException {
        // ORT sessions are safe to run from several threads; batches write disjoint rows of out.
        ExecutorService pool = Executors.newFixedThreadPool(options.concurrentBatches(), r -> {
            Thread t = new Thread(r, "regula-features");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<Integer>> done = new ArrayList<>(batches);
            for (int b = 0; b < batches; b++) {
                int batch = b;
                done.add(pool.submit(() -> runSlice(encoder, encoded, order, batch, inputs, out)));
            }
            for (Future<Integer> f : done) {
                int rows = f.get();
                synchronized (progress) {
                    progress.step(rows);
                }
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof FeatureExtractorException fe) {
                throw fe;
            }
            throw new FeatureExtractorException("feature extraction failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FeatureExtractorException("interrupted during feature extraction", e);
        } finally {
            pool.shutdownNow();
        }
    }

    private float[] runBatch(Map<String, BatchTensor> feed, int rows, int d) throws FeatureExtractorException {
        Map<String, Tensor> tensors = new HashMap<>();
        for (Map.Entry<String, BatchTensor> e : feed.entrySet()) {
            BatchTensor t = e.getValue();
            tensors.put(e.getKey(), t.longs() != null ? Tensor.ofLongs(t.longs(), t.shape()) : Tensor.ofFloats(t.floats(), t.shape()));
        }
        Tensor v;
        try {
            v = runner.run(tensors).get(FeatureModel.OUTPUT);
        } catch (RunnerException e) {
            throw new FeatureExtractorException("ONNX Runtime failed on a batch of " + rows + ": " + e.getMessage(), e);
        }
        if (v == null) {
            throw new FeatureExtractorException("the feature model returned no '" + FeatureModel.OUTPUT + "' output");
        }
        float[] out = v.floats();
        if (out.length != rows * d) {
            throw new FeatureExtractorException("the feature model returned " + out.length + " floats for " + rows + " rows of " + d);
        }
        return out;
    }

    @Override
    public void close() throws FeatureExtractorException {
        try {
            runner.close();
        } catch (RunnerException e) {
            throw new FeatureExtractorException("cannot close the ONNX Runtime session: " + e.getMessage(), e);
        }
    }
}
