package dev.regula.transfer.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.regula.transfer.features.FeatureMatrix;
import dev.regula.transfer.head.HeadNetwork;
import dev.regula.transfer.head.HeadSpec;
import dev.regula.transfer.head.LayerWeights;
import dev.regula.transfer.regularize.EarlyStoppingSpec;
import dev.regula.transfer.regularize.NoiseSource;
import dev.regula.transfer.regularize.RegularizationSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One {@link HeadTrainer} run that can be paused at an epoch boundary and continued later, from any
 * thread: successive halving trains a trial to a rung's budget, decides, and continues the survivors
 * instead of retraining them. Everything the loop carries from one epoch to the next stays in this
 * object (weights, optimizer state, the step counter that drives the learning-rate schedule, the
 * shuffle order and RNG streams, the early-stopping state and the kept epoch's weights), so
 * {@code advance(a); advance(b)} computes exactly what {@code advance(b)} alone does, bit for bit. The
 * learning-rate schedule always spans {@code spec.epochs()}: a run paused at epoch e is the first e
 * epochs of the full run, not a shorter run of its own.
 *
 * <p>Native memory: the run's {@link NDManager} (weights, optimizer state, penalty references) lives until
 * {@link #close()}; the uploaded train/val rows live only during an {@link #advance} call, so a paused run
 * holds little more than its parameters.
 */
public final class TrainingRun implements AutoCloseable {
    private final FeatureMatrix train;
    private final FeatureMatrix val;
    private final HeadSpec head;
    private final RegularizationSpec reg;
    private final TrainingSpec spec;
    private final int classes;
    private final StepListener listener;
    private final Engine engine;
    private final NDManager run;
    private final HeadNetwork net;
    private final LossFunction loss;
    private final ParameterUpdater updater;
    private final UpdateRules rules;
    private final List<NDArray> persistent;
    private final NoiseSource noise;
    private final SplittableRandom shuffle;
    private final int[] order;
    private final List<EpochRecord> records = new ArrayList<>();
    private long step;
    private double bestScore = Double.NaN;
    private int bestEpoch;
    private List<float[]> bestSnapshot;
    private boolean stopped;

    private TrainingRun(FeatureMatrix train, FeatureMatrix val, int classes, HeadSpec head, RegularizationSpec reg,
            TrainingSpec spec, StepListener listener, List<LayerWeights> initial) {
        HeadTrainer.validate(train, val, classes, reg);
        if (initial != null) {
            HeadTrainer.checkInitial(initial, head.widths(train.dim(), classes));
        }
        this.train = train;
        this.val = val;
        this.classes = classes;
        this.head = head;
        this.reg = reg;
        this.spec = spec;
        this.listener = listener;
        this.engine = Engine.getInstance();
        engine.setRandomSeed((int) spec.seed());
        Device device = HeadTrainer.resolveDevice(engine, spec.device());
        SplittableRandom root = new SplittableRandom(spec.seed());
        NoiseSource init = new NoiseSource(root.nextLong());
        this.noise = new NoiseSource(root.nextLong());
        this.shuffle = root.split();
        NDManager m = engine.newBaseManager(device);
        try (Gradients.Scope noGrad = Gradients.noGrad(engine)) {
            // The Glorot draw happens either way so a warm start leaves the other streams unchanged; the
            // discarded arrays belong to the run manager and are freed with it.
            HeadNetwork n = HeadNetwork.create(m, head, train.dim(), classes, reg.dropout(), init);
            if (initial != null) {
                n = HeadNetwork.fromWeights(m, head, initial, reg.dropout());
            }
            this.net = n;
            this.loss = LossFunction.of(m, reg, net, train, classes);
            this.updater = ParameterUpdater.of(spec, m, net.trainable());
            List<NDArray> keep = new ArrayList<>(net.trainable());
            keep.addAll(updater.state());
            keep.addAll(loss.references());
            this.persistent = keep;
            this.rules = UpdateRules.of(reg, net);
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
        this.run = m;
        this.order = new int[train.rows()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
    }

    /** Starts a run from the seeded initialisation ({@code initial} null) or from {@code initial} weights. */
    static TrainingRun start(FeatureMatrix train, FeatureMatrix val, int classes, HeadSpec head, RegularizationSpec reg,
            TrainingSpec spec, StepListener listener, List<LayerWeights> initial) {
        return new TrainingRun(train, val, classes, head, reg, spec, listener, initial);
    }

    /**
     * Starts a run from the seeded initialisation; nothing is trained until {@link #advance}.
     * {@code spec.epochs()} is the full budget (it sets the learning-rate schedule's span).
     */
    public static TrainingRun start(FeatureMatrix train, FeatureMatrix val, int classes, HeadSpec head,
            RegularizationSpec reg, TrainingSpec spec) {
        return start(train, val, classes, head, reg, spec, StepListener.NONE, null);
    }

    /** Epochs trained so far. */
    public int epochs() {
        return records.size();
    }

    /** Whether the run cannot train further: early stopping ended it or it reached {@code spec.epochs()}. */
    public boolean finished() {
        return stopped || records.size() >= spec.epochs();
    }

    /**
     * Trains up to epoch {@code min(until, spec.epochs())}, or less if early stopping ends the run; a
     * no-op when that epoch is already reached or the run has finished.
     *
     * @return the epochs trained by this call
     */
    public int advance(int until) {
        int target = Math.min(until, spec.epochs());
        int before = records.size();
        if (stopped || before >= target) {
            return 0;
        }
        try (Gradients.Scope noGrad = Gradients.noGrad(engine); NDManager rows = run.newSubManager()) {
            // The rows go to the engine once per call: each batch is then one row gather on the device, and
            // the per-epoch evaluation reads slices of the same arrays. Freed when the call returns.
            List<NDArray> keepAlive = new ArrayList<>(persistent);
            NDArray features = HeadTrainer.upload(rows, train);
            keepAlive.add(features);
            NDArray valFeatures = val == null ? null : HeadTrainer.upload(rows, val);
            if (valFeatures != null) {
                keepAlive.add(valFeatures);
            }
            int n = train.rows();
            int stepsPerEpoch = (n + spec.batchSize() - 1) / spec.batchSize();
            EarlyStoppingSpec es = reg.earlyStopping();
            for (int epoch = before + 1; epoch <= target; epoch++) {
                HeadTrainer.shuffle(order, shuffle);
                double objective = 0;
                double lr = spec.learningRate();
                for (int s = 0; s < stepsPerEpoch; s++) {
                    int from = s * spec.batchSize();
                    int[] idx = java.util.Arrays.copyOfRange(order, from, Math.min(n, from + spec.batchSize()));
                    lr = spec.learningRateAt(step++, stepsPerEpoch);
                    objective += HeadTrainer.trainStep(engine, run, net, loss, updater, rules, keepAlive, features,
                            train.labels(), idx, noise, lr) * idx.length;
                    listener.afterStep(epoch, step, net);
                }
                EpochRecord record = HeadTrainer.evaluate(run, net, keepAlive, features, train, valFeatures, val, epoch, lr,
                        objective / n);
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
        }
        return records.size() - before;
    }

    /**
     * The head as of now: the kept epoch's weights (the best so far under early stopping, else the
     * latest) and the history so far. The run itself is left as it was, so it can continue.
     */
    public TrainedHead result() {
        if (records.isEmpty()) {
            throw new IllegalStateException("no epoch has been trained yet");
        }
        List<LayerWeights> layers;
        double[] rates;
        try (Gradients.Scope noGrad = Gradients.noGrad(engine)) {
            List<float[]> current = bestSnapshot != null && bestEpoch != records.size() ? net.snapshot() : null;
            if (current != null) {
                net.restore(bestSnapshot);
            }
            layers = net.inferenceWeights();
            rates = net.dropoutRates();
            if (current != null) {
                net.restore(current);
            }
        }
        return new TrainedHead(head, reg, spec, classes, layers, new TrainingHistory(records, bestEpoch, stopped),
                HeadTrainer.zeroFraction(layers), rates);
    }

    @Override
    public void close() {
        run.close();
    }
}
