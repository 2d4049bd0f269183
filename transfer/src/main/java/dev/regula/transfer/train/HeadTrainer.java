package dev.regula.transfer.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.regula.transfer.features.FeatureMatrix;
import dev.regula.transfer.head.HeadNetwork;
import dev.regula.transfer.head.HeadSpec;
import dev.regula.transfer.head.LayerWeights;
import dev.regula.transfer.regularize.EarlyStoppingSpec;
import dev.regula.transfer.regularize.NoiseSource;
import dev.regula.transfer.regularize.RegularizationSpec;
import dev.regula.transfer.regularize.SmoothedCrossEntropy;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains one head on cached features with its own loop on DJL arrays and autograd: forward,
 * loss + penalties, backward, optimizer update, then decoupled decay and max-norm outside the
 * gradient. One NDManager per run and one sub-manager per batch, so nothing native outlives the
 * call. The train and val features are copied to the engine once per run; batches and the
 * per-epoch evaluation read them there. Fully seeded by {@link TrainingSpec#seed()}: initial weights, shuffles and dropout noise
 * come from Java {@code SplittableRandom}s derived from it, and the engine is seeded too. On the
 * CPU the same inputs and seed give bit-identical weights provided libtorch's intra-op thread
 * count is fixed ({@code -Dai.djl.pytorch.num_threads=1}, as the tests run): a multi-threaded BLAS
 * may otherwise split sums differently from run to run.
 */
public final class HeadTrainer {
    private static final Logger LOG = LoggerFactory.getLogger(HeadTrainer.class);

    private HeadTrainer() {}

    /**
     * Trains a head.
     *
     * @param train training rows; labels in [0, classes)
     * @param val validation rows, or null (then early stopping is not allowed)
     * @param classes number of classes C >= 2
     */
    public static TrainedHead train(FeatureMatrix train, FeatureMatrix val, int classes, HeadSpec head,
            RegularizationSpec reg, TrainingSpec spec) {
        return train(train, val, classes, head, reg, spec, StepListener.NONE);
    }

    /** As {@link #train(FeatureMatrix, FeatureMatrix, int, HeadSpec, RegularizationSpec, TrainingSpec)}, calling {@code listener} after every step. */
    public static TrainedHead train(FeatureMatrix train, FeatureMatrix val, int classes, HeadSpec head,
            RegularizationSpec reg, TrainingSpec spec, StepListener listener) {
        return train(train, val, classes, head, reg, spec, listener, null);
    }

    /**
     * As {@link #train(FeatureMatrix, FeatureMatrix, int, HeadSpec, RegularizationSpec, TrainingSpec)},
     * but starting from {@code initial} weights instead of a seeded Glorot draw (warm starts, e.g.
     * snapshot ensembles). Optimizer state starts fresh. {@code initial} must match the widths of
     * {@code head} for this input dim and class count.
     */
    public static TrainedHead train(FeatureMatrix train, FeatureMatrix val, int classes, HeadSpec head,
            RegularizationSpec reg, TrainingSpec spec, List<LayerWeights> initial) {
        java.util.Objects.requireNonNull(initial, "initial");
        return train(train, val, classes, head, reg, spec, StepListener.NONE, initial);
    }

    private static TrainedHead train(FeatureMatrix train, FeatureMatrix val, int classes, HeadSpec head,
            RegularizationSpec reg, TrainingSpec spec, StepListener listener, List<LayerWeights> initial) {
        validate(train, val, classes, reg);
        if (initial != null) {
            checkInitial(initial, head.widths(train.dim(), classes));
        }
        Engine engine = Engine.getInstance();
        engine.setRandomSeed((int) spec.seed());
        Device device = resolveDevice(engine, spec.device());
        SplittableRandom root = new SplittableRandom(spec.seed());
        NoiseSource init = new NoiseSource(root.nextLong());
        NoiseSource noise = new NoiseSource(root.nextLong());
        SplittableRandom shuffle = root.split();
        try (Gradients.Scope noGrad = Gradients.noGrad(engine); NDManager run = engine.newBaseManager(device)) {
            // The Glorot draw happens either way so a warm start leaves the other streams unchanged; the
            // discarded arrays belong to the run manager and are freed with it.
            HeadNetwork net = HeadNetwork.create(run, head, train.dim(), classes, reg.dropout(), init);
            if (initial != null) {
                net = HeadNetwork.fromWeights(run, head, initial, reg.dropout());
            }
            LossFunction loss = LossFunction.of(run, reg, net, train, classes);
            List<NDArray> params = net.trainable();
            ParameterUpdater updater = ParameterUpdater.of(spec, run, params);
            List<NDArray> keepAlive = new ArrayList<>(params);
            keepAlive.addAll(updater.state());
            keepAlive.addAll(loss.references());
            // The rows go to the engine once: each batch is then one row gather on the device, and the
            // per-epoch evaluation reads slices of the same arrays.
            NDArray features = upload(run, train);
            keepAlive.add(features);
            NDArray valFeatures = val == null ? null : upload(run, val);
            if (valFeatures != null) {
                keepAlive.add(valFeatures);
            }
            UpdateRules rules = UpdateRules.of(reg, net);

            int n = train.rows();
            int stepsPerEpoch = (n + spec.batchSize() - 1) / spec.batchSize();
            int[] order = new int[n];
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
            long step = 0;
            List<EpochRecord> records = new ArrayList<>();
            EarlyStoppingSpec es = reg.earlyStopping();
            double bestScore = Double.NaN;
            int bestEpoch = 0;
            List<float[]> bestSnapshot = null;
            boolean stopped = false;
            for (int epoch = 1; epoch <= spec.epochs(); epoch++) {
                shuffle(order, shuffle);
                double objective = 0;
                double lr = spec.learningRate();
                for (int s = 0; s < stepsPerEpoch; s++) {
                    int from = s * spec.batchSize();
                    int[] idx = java.util.Arrays.copyOfRange(order, from, Math.min(n, from + spec.batchSize()));
                    lr = spec.learningRateAt(step++, stepsPerEpoch);
                    objective += trainStep(engine, run, net, loss, updater, rules, keepAlive, features, train.labels(), idx, noise, lr)
                            * idx.length;
                    listener.afterStep(epoch, step, net);
                }
                EpochRecord record = evaluate(run, net, keepAlive, features, train, valFeatures, val, epoch, lr, objective / n);
                records.add(record);
                if (es == null) {
                    bestEpoch = epoch;
                    continue;
                }
                double score = switch (es.metric()) {
                    case VAL_LOSS -> record.valLoss();
                    case VAL_ACCURACY -> record.valAccuracy();
                    case VAL_MACRO_F1 -> record.valMacroF1();
                };
                if (bestSnapshot == null || es.improves(score, bestScore)) {
                    bestScore = score;
                    bestEpoch = epoch;
                    bestSnapshot = net.snapshot();
                } else if (epoch - bestEpoch >= es.patience()) {
                    stopped = epoch < spec.epochs();
                    break;
                }
            }
            if (bestSnapshot != null) {
                net.restore(bestSnapshot);
            }
            List<LayerWeights> layers = net.inferenceWeights();
            return new TrainedHead(head, reg, spec, classes, layers, new TrainingHistory(records, bestEpoch, stopped),
                    zeroFraction(layers), net.dropoutRates());
        }
    }

    private static double trainStep(Engine engine, NDManager run, HeadNetwork net, LossFunction loss, ParameterUpdater updater,
            UpdateRules rules, List<NDArray> keepAlive, NDArray features, int[] labels, int[] idx, NoiseSource noise, double lr) {
        try (NDManager batch = run.newSubManager()) {
            batch.tempAttachAll(keepAlive.toArray(new NDArray[0]));
            long[] rows = new long[idx.length];
            int[] y = new int[idx.length];
            for (int i = 0; i < idx.length; i++) {
                rows[i] = idx[i];
                y[i] = labels[idx[i]];
            }
            // The gather's result is engine-allocated, so its alignment does not vary (see HeadNetwork.engineOwned).
            NDArray x = features.get(new NDIndex("{}", batch.create(rows)));
            float value;
            try (GradientCollector gc = Gradients.collector(engine)) {
                NDArray total = loss.total(batch, x, y, noise);
                value = total.getFloat();
                gc.backward(total);
            }
            List<NDArray> params = net.trainable();
            List<NDArray> grads = new ArrayList<>(params.size());
            for (NDArray p : params) {
                grads.add(p.getGradient());
            }
            updater.update(params, grads, lr);
            for (NDArray g : grads) {
                g.subi(g);
            }
            rules.afterStep(lr);
            return value;
        }
    }

    private static EpochRecord evaluate(NDManager run, HeadNetwork net, List<NDArray> keepAlive, NDArray trainX, FeatureMatrix train,
            NDArray valX, FeatureMatrix val, int epoch, double lr, double objective) {
        Metrics tr = Metrics.of(proba(run, net, keepAlive, trainX), train.labels());
        Metrics va = val == null ? null : Metrics.of(proba(run, net, keepAlive, valX), val.labels());
        List<LayerWeights> layers = net.inferenceWeights();
        List<Double> norms = layers.stream().map(LayerWeights::weightL2Norm).toList();
        List<Double> rates = java.util.Arrays.stream(net.dropoutRates()).boxed().toList();
        return new EpochRecord(epoch, lr, objective, tr.loss(), tr.accuracy(), tr.macroF1(),
                va == null ? null : va.loss(), va == null ? null : va.accuracy(), va == null ? null : va.macroF1(),
                va == null ? null : tr.accuracy() - va.accuracy(), va == null ? null : va.loss() - tr.loss(),
                norms, zeroFraction(layers), net.prunedFraction(), rates);
    }

    /**
     * Probabilities in inference mode for the rows of {@code x} (one of {@code keepAlive}, made by
     * {@link #upload}), batched in sub-managers. Batches start at multiples of 4096 rows, so each
     * slice keeps the engine's 64-byte alignment (see {@link HeadNetwork#engineOwned}).
     */
    static float[][] proba(NDManager run, HeadNetwork net, List<NDArray> keepAlive, NDArray x) {
        int rows = Math.toIntExact(x.getShape().get(0));
        float[][] out = new float[rows][];
        int batch = 4096;
        for (int start = 0; start < rows; start += batch) {
            int n = Math.min(batch, rows - start);
            try (NDManager scope = run.newSubManager()) {
                scope.tempAttachAll(keepAlive.toArray(new NDArray[0]));
                NDArray features = x.get(new NDIndex(start + ":" + (start + n)));
                float[] flat = net.forward(features, false, null).softmax(1).toFloatArray();
                int c = flat.length / n;
                for (int i = 0; i < n; i++) {
                    out[start + i] = java.util.Arrays.copyOfRange(flat, i * c, (i + 1) * c);
                }
            }
        }
        return out;
    }

    /** {@code m}'s rows as one engine-allocated array {@code [rows, dim]} of {@code manager}, copied over in chunks. */
    static NDArray upload(NDManager manager, FeatureMatrix m) {
        NDArray all = manager.zeros(new Shape(m.rows(), m.dim()));
        int chunk = 4096;
        for (int start = 0; start < m.rows(); start += chunk) {
            int k = Math.min(chunk, m.rows() - start);
            try (NDManager scope = manager.newSubManager()) {
                float[] buf = new float[k * m.dim()];
                m.data().duplicate().position(start * m.dim()).get(buf);
                all.set(new NDIndex(start + ":" + (start + k)), scope.create(buf, new Shape(k, m.dim())));
            }
        }
        return all;
    }

    static double zeroFraction(List<LayerWeights> layers) {
        long zeros = 0;
        long total = 0;
        for (LayerWeights lw : layers) {
            for (float[] row : lw.w()) {
                for (float v : row) {
                    if (v == 0f) {
                        zeros++;
                    }
                }
                total += row.length;
            }
        }
        return (double) zeros / total;
    }

    private static void shuffle(int[] a, SplittableRandom rng) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /** Picks the device: {@code auto} falls back to the CPU with one log line; {@code gpu} without one fails. */
    static Device resolveDevice(Engine engine, TrainingSpec.DeviceChoice choice) {
        int gpus = engine.getGpuCount();
        return switch (choice) {
            case CPU -> Device.cpu();
            case GPU -> {
                if (gpus == 0) {
                    throw new IllegalArgumentException("device: gpu was requested but " + engine.getEngineName() + " "
                            + engine.getVersion() + " sees no GPU (CPU-only libtorch or no CUDA device); use device: cpu or auto");
                }
                yield Device.gpu();
            }
            case AUTO -> {
                if (gpus == 0) {
                    LOG.info("device: auto found no GPU, training on the CPU");
                    yield Device.cpu();
                }
                yield Device.gpu();
            }
        };
    }

    private static void validate(FeatureMatrix train, FeatureMatrix val, int classes, RegularizationSpec reg) {
        if (classes < 2) {
            throw new IllegalArgumentException("classes must be >= 2 (binary tasks use 2), got " + classes);
        }
        if (train.rows() == 0) {
            throw new IllegalArgumentException("the training split is empty");
        }
        checkLabels("train", train, classes);
        if (val != null) {
            checkLabels("val", val, classes);
            if (val.dim() != train.dim()) {
                throw new IllegalArgumentException("val features have dim " + val.dim() + ", train has " + train.dim());
            }
        }
        if (reg.earlyStopping() != null && (val == null || val.rows() == 0)) {
            throw new IllegalArgumentException("early_stopping needs a non-empty validation split");
        }
    }

    private static void checkInitial(List<LayerWeights> initial, int[] widths) {
        if (initial.size() != widths.length - 1) {
            throw new IllegalArgumentException("initial weights have " + initial.size() + " layers, the head has " + (widths.length - 1));
        }
        for (int l = 0; l < initial.size(); l++) {
            LayerWeights lw = initial.get(l);
            if (lw.in() != widths[l] || lw.out() != widths[l + 1]) {
                throw new IllegalArgumentException("initial layer " + l + " is [" + lw.out() + " x " + lw.in() + "], expected ["
                        + widths[l + 1] + " x " + widths[l] + "]");
            }
        }
    }

    private static void checkLabels(String split, FeatureMatrix m, int classes) {
        for (int i = 0; i < m.rows(); i++) {
            int y = m.labels()[i];
            if (y < 0 || y >= classes) {
                throw new IllegalArgumentException(split + " row " + i + " has label " + y + ", expected 0.." + (classes - 1));
            }
        }
    }
}
