package dev.regula.transfer.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.training.GradientCollector;
import dev.regula.transfer.features.FeatureMatrix;
import dev.regula.transfer.head.HeadSpec;
import dev.regula.transfer.head.LayerWeights;
import dev.regula.transfer.regularize.HeadAxis;
import dev.regula.transfer.regularize.NoiseSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A {@link StackedTrainer} run that can be paused at an epoch boundary and continued later, from any
 * thread: successive halving trains a rung's trials to the rung's budget as one stack, decides, and
 * continues the survivors instead of retraining them. Everything the loop carries from one epoch to the
 * next stays in this object (the live stack's weights and optimizer state, the step counter that drives
 * the learning-rate schedules, the shared batch order and its RNG, each head's noise stream and
 * early-stopping state with its kept epoch's weights, and the results of heads that have left the
 * stack), so {@code advance(a); advance(b)} computes exactly what {@code advance(b)} alone does, bit for
 * bit. The schedules always span the jobs' {@code epochs}: a run paused at epoch e is the first e epochs
 * of the full run.
 *
 * <p>Native memory: the run's {@link NDManager} (weights, optimizer state, penalty references) lives until
 * {@link #close()}; the uploaded train/val rows live only during an {@link #advance} call, so a paused
 * stack holds little more than its parameters.
 */
public final class StackRun implements AutoCloseable {
    private final FeatureMatrix train;
    private final FeatureMatrix val;
    private final int classes;
    private final HeadSpec head;
    private final List<HeadJob> jobs;
    private final StackListener listener;
    private final Engine engine;
    private final NDManager run;
    private final List<List<LayerWeights>> start;
    private final NoiseSource[] noises;
    private final SplittableRandom shuffle;
    private final Batches batches;
    private final List<HeadProgress> progress = new ArrayList<>();
    private final TrainedHead[] done;
    private final double[] lastLr;
    private final int epochsBudget;
    private LiveStack live;
    private long step;
    private int epoch;

    private StackRun(FeatureMatrix train, FeatureMatrix val, int classes, HeadSpec head, long orderSeed, List<HeadJob> jobs,
            StackListener listener) {
        StackChecks.validate(train, val, classes, head, jobs);
        this.train = train;
        this.val = val;
        this.classes = classes;
        this.head = head;
        this.jobs = List.copyOf(jobs);
        this.listener = listener;
        int heads = jobs.size();
        this.engine = Engine.getInstance();
        engine.setRandomSeed((int) orderSeed);
        Device device = HeadTrainer.resolveDevice(engine, jobs.get(0).training().device());
        SplittableRandom orderRoot = new SplittableRandom(orderSeed);
        // The single-head trainer drew two longs (init and noise seeds) before splitting off its shuffle.
        orderRoot.nextLong();
        orderRoot.nextLong();
        this.shuffle = orderRoot.split();
        this.noises = new NoiseSource[heads];
        List<List<LayerWeights>> from = new ArrayList<>();
        for (int k = 0; k < heads; k++) {
            HeadJob job = jobs.get(k);
            SplittableRandom root = new SplittableRandom(job.training().seed());
            NoiseSource init = new NoiseSource(root.nextLong());
            noises[k] = new NoiseSource(root.nextLong());
            // The Glorot draw happens either way so a warm start leaves the other streams unchanged.
            List<LayerWeights> glorot = StackedNetwork.glorot(head, train.dim(), classes, init);
            from.add(job.initial() != null ? job.initial() : glorot);
        }
        this.start = from;
        TrainingSpec shared = jobs.get(0).training();
        this.epochsBudget = shared.epochs();
        this.batches = new Batches(train, this.jobs, shared.batchSize());
        for (HeadJob job : jobs) {
            progress.add(new HeadProgress(job.regularization().earlyStopping(), epochsBudget));
        }
        this.done = new TrainedHead[heads];
        this.lastLr = new double[heads];
        NDManager m = engine.newBaseManager(device);
        try (Gradients.Scope noGrad = Gradients.noGrad(engine)) {
            this.live = LiveStack.create(m, head, this.jobs, start, train, classes);
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
        this.run = m;
    }

    /**
     * Starts a stack from its heads' seeded initialisations (or their {@code initial} weights); nothing is
     * trained until {@link #advance}. The jobs' {@code epochs} is the full budget.
     *
     * @param orderSeed seeds the batch order shared by the heads (and the engine)
     * @param jobs one per head; their {@link StackKey}s must be equal
     */
    public static StackRun start(FeatureMatrix train, FeatureMatrix val, int classes, HeadSpec head, long orderSeed,
            List<HeadJob> jobs, StackListener listener) {
        return new StackRun(train, val, classes, head, orderSeed, jobs, listener);
    }

    /** Heads in the stack, including those that have stopped. */
    public int size() {
        return jobs.size();
    }

    /** Epochs trained so far (by the heads still training; a head that stopped earlier has fewer). */
    public int epochs() {
        return epoch;
    }

    /** Whether no head can train further: each stopped early or the epoch budget is spent. */
    public boolean finished() {
        return live == null;
    }

    /** Whether head {@code k} cannot train further. */
    public boolean finished(int k) {
        return done[k] != null;
    }

    /**
     * Trains up to epoch {@code min(until, epochs)}, or less for heads that early stopping ends; a no-op
     * when that epoch is already reached or every head has finished.
     *
     * @return the epochs trained by this call
     */
    public int advance(int until) {
        int target = Math.min(until, epochsBudget);
        int before = epoch;
        if (live == null || before >= target) {
            return 0;
        }
        try (Gradients.Scope noGrad = Gradients.noGrad(engine); NDManager rows = run.newSubManager()) {
            // Dense rows go to the engine once per call: each batch is then one row gather on the device, and
            // the per-epoch evaluation reads slices of the same arrays. Freed when the call returns. Rows with a
            // sparse block are densified a batch at a time instead (BatchRows), never uploaded whole.
            BatchRows features = BatchRows.of(rows, train);
            boolean anyWatchesVal = jobs.stream().anyMatch(j -> j.watchRows() == null);
            BatchRows valFeatures = val == null || !anyWatchesVal ? null : BatchRows.of(rows, val);
            List<NDArray> data = new ArrayList<>(features.arrays());
            if (valFeatures != null) {
                data.addAll(valFeatures.arrays());
            }
            while (live != null && epoch < target) {
                epoch++;
                trainEpoch(features, valFeatures, data);
            }
        }
        return epoch - before;
    }

    private void trainEpoch(BatchRows features, BatchRows valFeatures, List<NDArray> data) {
        batches.shuffle(shuffle);
        int[] members = live.members();
        int k = members.length;
        List<NDArray> keepAlive = new ArrayList<>(live.keepAlive());
        keepAlive.addAll(data);
        double[] objective = new double[k];
        NoiseSource[] stackNoise = new NoiseSource[k];
        for (int i = 0; i < k; i++) {
            stackNoise[i] = noises[members[i]];
        }
        for (int s = 0; s < batches.perEpoch(); s++) {
            int[] idx = batches.rows(s);
            double[] stackLr = new double[k];
            for (int i = 0; i < k; i++) {
                stackLr[i] = jobs.get(members[i]).training().learningRateAt(step, batches.perEpoch());
                lastLr[members[i]] = stackLr[i];
            }
            step++;
            float[][] weights = batches.weights(idx, members);
            boolean[] active = new boolean[k];
            for (int i = 0; i < k; i++) {
                active[i] = weights == null || Batches.anyPositive(weights[i]);
            }
            float[] values = trainStep(keepAlive, features, idx, weights, stackNoise, stackLr, active);
            for (int i = 0; i < k; i++) {
                objective[i] += (double) values[i] * idx.length;
            }
            listener.afterStep(epoch, step, live.net());
        }
        StackedTrainer.Evaluation eval = StackedTrainer.Evaluation.of(run, live.net(), keepAlive, features, valFeatures,
                StackedTrainer.evalRows(live.net(), train.dim(), classes, train.hasSparse()));
        boolean keep = false;
        boolean[] improved = new boolean[k];
        for (int i = 0; i < k; i++) {
            HeadProgress p = progress.get(members[i]);
            EpochRecord record = eval.record(i, epoch, lastLr[members[i]], objective[i] / train.rows(), train, val,
                    jobs.get(members[i]));
            improved[i] = p.afterEpoch(record);
            keep |= improved[i];
        }
        if (keep) {
            List<float[]> snap = live.net().snapshot();
            for (int i = 0; i < k; i++) {
                if (improved[i]) {
                    progress.get(members[i]).keep(live.net().headPart(snap, i));
                }
            }
        }
        boolean[] stopped = new boolean[k];
        boolean anyStopped = false;
        boolean allStopped = true;
        for (int i = 0; i < k; i++) {
            stopped[i] = progress.get(members[i]).stopped();
            anyStopped |= stopped[i];
            allStopped &= stopped[i];
        }
        if (anyStopped) {
            // Stopped heads leave the stack: what they would still compute is masked work.
            List<TrainedHead> finished = results(live, stopped);
            for (int i = 0; i < k; i++) {
                if (stopped[i]) {
                    done[members[i]] = finished.get(i);
                }
            }
            if (allStopped) {
                live.close();
                live = null;
            } else {
                live = live.without(run, stopped, jobs, start, train, classes);
            }
        }
    }

    /**
     * Drops every head still training whose index is not in {@code keep}: between epochs, on request (successive
     * halving stops the trials it did not promote). A dropped head is frozen as it is now (its result is what
     * {@link #results()} returned just before the call, with its history so far) and leaves the stack: the live
     * stack is compacted, each kept head's parameters and optimizer state sliced into a smaller stack, so a
     * dropped head costs nothing from here on (masking would keep computing it). Heads already finished are
     * left as they are whether listed or not. Dropping is deterministic, but the kept heads then run in a
     * smaller stack whose sums may be ordered differently from a stack that never held the dropped heads
     * (agreement within 1e-5, not bit for bit): a caller that needs the same bytes again (a resumed tune)
     * must replay the same sequence of starts, advances and retains.
     *
     * @param keep head indices ({@code 0..size()-1}) that go on training
     * @return how many heads this call dropped
     */
    public int retain(java.util.Set<Integer> keep) {
        for (Integer k : keep) {
            if (k == null || k < 0 || k >= jobs.size()) {
                throw new IllegalArgumentException("retain: head index " + k + " outside 0.." + (jobs.size() - 1));
            }
        }
        if (live == null) {
            return 0;
        }
        int[] members = live.members();
        boolean[] drop = new boolean[members.length];
        int dropped = 0;
        for (int i = 0; i < members.length; i++) {
            drop[i] = !keep.contains(members[i]);
            dropped += drop[i] ? 1 : 0;
        }
        if (dropped == 0) {
            return 0;
        }
        if (epoch == 0) {
            // Nothing trained yet: the dropped heads have no result to freeze, so they simply never start.
            throw new IllegalStateException("retain before the first epoch: start the stack with the kept heads instead");
        }
        try (Gradients.Scope noGrad = Gradients.noGrad(engine)) {
            List<TrainedHead> frozen = results(live, drop);
            for (int i = 0; i < members.length; i++) {
                if (drop[i]) {
                    done[members[i]] = frozen.get(i);
                }
            }
            if (dropped == members.length) {
                live.close();
                live = null;
            } else {
                live = live.without(run, drop, jobs, start, train, classes);
            }
        }
        return dropped;
    }

    /**
     * Every head as of now: the kept epoch's weights (the best so far under early stopping, else the latest)
     * and its history so far. The run itself is left as it was, so it can continue.
     */
    public List<TrainedHead> results() {
        if (epoch == 0) {
            throw new IllegalStateException("no epoch has been trained yet");
        }
        TrainedHead[] out = done.clone();
        if (live != null) {
            int[] members = live.members();
            boolean[] all = new boolean[members.length];
            Arrays.fill(all, true);
            List<TrainedHead> current;
            try (Gradients.Scope noGrad = Gradients.noGrad(engine)) {
                List<float[]> now = live.net().snapshot();
                current = results(live, all);
                List<List<float[]>> back = new ArrayList<>();
                for (int i = 0; i < members.length; i++) {
                    back.add(progress.get(members[i]).bestSnapshot() == null ? null : live.net().headPart(now, i));
                }
                live.net().restore(back);
            }
            for (int i = 0; i < members.length; i++) {
                out[members[i]] = current.get(i);
            }
        }
        return List.of(out);
    }

    /**
     * Builds the results of the heads {@code which} (positions in {@code stack}), with their best epochs'
     * weights written into the stack first; null for the others.
     */
    private List<TrainedHead> results(LiveStack stack, boolean[] which) {
        int[] members = stack.members();
        List<List<float[]>> best = new ArrayList<>();
        for (int i = 0; i < members.length; i++) {
            best.add(which[i] ? progress.get(members[i]).bestSnapshot() : null);
        }
        StackedNetwork net = stack.net();
        net.restore(best);
        List<List<LayerWeights>> layers = net.inferenceWeights();
        double[][] rates = net.dropoutRates();
        List<TrainedHead> out = new ArrayList<>();
        for (int i = 0; i < members.length; i++) {
            if (which[i]) {
                HeadJob job = jobs.get(members[i]);
                out.add(new TrainedHead(head, job.regularization(), job.training(), classes, layers.get(i),
                        progress.get(members[i]).history(), HeadTrainer.zeroFraction(layers.get(i)), rates[i]));
            } else {
                out.add(null);
            }
        }
        return out;
    }

    private float[] trainStep(List<NDArray> keepAlive, BatchRows features, int[] idx, float[][] weights, NoiseSource[] stackNoise,
            double[] lr, boolean[] active) {
        int[] labels = train.labels();
        try (NDManager batch = run.newSubManager()) {
            batch.tempAttachAll(keepAlive.toArray(new NDArray[0]));
            long[] rows = new long[idx.length];
            int[] y = new int[idx.length];
            for (int i = 0; i < idx.length; i++) {
                rows[i] = idx[i];
                y[i] = labels[idx[i]];
            }
            NDArray x = features.gather(batch, rows);
            float[] values;
            try (GradientCollector gc = Gradients.collector(engine)) {
                NDArray total = live.loss().total(x, y, weights, stackNoise);
                values = total.toFloatArray();
                boolean all = true;
                double[] mask = new double[active.length];
                for (int k = 0; k < active.length; k++) {
                    mask[k] = active[k] ? 1 : 0;
                    all &= active[k];
                }
                if (!all) {
                    // A head sitting the step out gets a zero gradient, so nothing it computes can reach its state.
                    total = total.mul(HeadAxis.vector(total, mask));
                }
                gc.backward(total);
            }
            List<NDArray> params = live.net().trainable();
            List<NDArray> grads = new ArrayList<>(params.size());
            for (NDArray p : params) {
                grads.add(p.getGradient());
            }
            // Leaves the gradients zero for the next backward pass.
            live.updater().update(params, grads, lr, active);
            live.rules().afterStep(lr, active);
            return values;
        }
    }

    @Override
    public void close() {
        run.close();
    }
}
