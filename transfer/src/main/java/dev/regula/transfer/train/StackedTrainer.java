package dev.regula.transfer.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import dev.regula.transfer.features.FeatureMatrix;
import dev.regula.transfer.head.HeadSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * Trains a stack of K heads of one architecture on cached features in one graph, the way
 * {@code torch.func.stack_module_state} + {@code vmap} ensembles do: the heads' parameters are
 * stacked along a leading head axis ({@link StackedNetwork}), every batch runs one forward and one
 * backward pass for all heads, and each head keeps its own optimizer state, learning rate,
 * regularization strengths, dropout noise and early stopping ({@link HeadJob}). Heads are
 * independent: head k's loss depends on head k's parameters only, so its gradient is the one it
 * would get alone.
 *
 * <p><b>Shared:</b> the rows and their order. The batch order comes from {@code orderSeed} alone,
 * drawn as the single-head trainer drew it from its seed; head k's initial weights and noise come
 * from its own {@code training.seed}, drawn as that trainer drew them. So head k trained in a
 * stack equals head k trained alone (a stack of one) with {@code orderSeed} = the stack's, up to
 * the rounding of the larger products (float sums in another order: within 1e-5, not bit for bit),
 * and a stack of one is the single-head trainer bit for bit ({@link HeadTrainer} is that case).
 *
 * <p><b>Early stopping</b> is per head, decided after each epoch as the single-head trainer decides
 * it: a head that stops keeps its best epoch's weights and leaves the stack, which continues with
 * the others (their parameters and optimizer state copied into a smaller stack), until every head
 * has stopped or the epochs end. Within an epoch a head with no row of its bag in a batch sits the
 * step out: its loss is masked and its update has rate 0, decay factor 1 and no max-norm, so its
 * weights stay exactly as they are.
 *
 * <p>The loop itself is {@link StackRun}, which can also pause after any epoch and continue. One
 * NDManager per run and one sub-manager per batch, so nothing native outlives the call. The train and
 * val features are copied to the engine once per run, or, with a sparse block, a batch at a time ({@link BatchRows}). On the CPU the same inputs and
 * seeds give bit-identical weights provided libtorch's intra-op thread count is fixed
 * ({@code -Dai.djl.pytorch.num_threads=1}, as the tests run): a multi-threaded BLAS may otherwise
 * split sums differently from run to run.
 */
public final class StackedTrainer {
    /** Inference batches hold at most this many activations ({@code rows × K × widest layer}) at once. */
    private static final long EVAL_ACTIVATIONS = 1L << 22;

    private StackedTrainer() {}

    /**
     * Trains the heads of {@code jobs} as one stack.
     *
     * @param train training rows; labels in [0, classes)
     * @param val validation rows, or null (then only heads with watch rows may early-stop)
     * @param classes number of classes C >= 2
     * @param head the architecture of every head
     * @param orderSeed seeds the batch order shared by the heads (and the engine)
     * @param jobs one per head, in the order of the result; their {@link StackKey}s must be equal
     * @return one trained head per job, in order
     */
    public static List<TrainedHead> train(FeatureMatrix train, FeatureMatrix val, int classes, HeadSpec head, long orderSeed,
            List<HeadJob> jobs) {
        return train(train, val, classes, head, orderSeed, jobs, StackListener.NONE);
    }

    /** As {@link #train(FeatureMatrix, FeatureMatrix, int, HeadSpec, long, List)}, calling {@code listener} after every step. */
    public static List<TrainedHead> train(FeatureMatrix train, FeatureMatrix val, int classes, HeadSpec head, long orderSeed,
            List<HeadJob> jobs, StackListener listener) {
        try (StackRun run = StackRun.start(train, val, classes, head, orderSeed, jobs, listener)) {
            run.advance(jobs.get(0).training().epochs());
            return run.results();
        }
    }

    /**
     * Rows per inference batch: 4096 (the single-head trainer's, kept for K = 1 so its products are
     * unchanged), fewer for wide stacks so that one batch's activations stay near 16 MB. A multiple
     * of 16 rows keeps each slice of the features 64-byte aligned (see {@link StackedNetwork#engineOwned}).
     */
    static int evalRows(StackedNetwork net, int inputDim, int classes) {
        return evalRows(net, inputDim, classes, false);
    }

    /**
     * As {@link #evalRows(StackedNetwork, int, int)}; with {@code sparseInput} the batch is also densified on the
     * host, so it is cut to about 4M input floats (208 rows of a 20,000-wide lexical block) as well.
     */
    static int evalRows(StackedNetwork net, int inputDim, int classes, boolean sparseInput) {
        int rows = evalRowsDense(net, inputDim, classes);
        return sparseInput ? Math.max(16, Math.min(rows, (int) (EVAL_ACTIVATIONS / inputDim) / 16 * 16)) : rows;
    }

    private static int evalRowsDense(StackedNetwork net, int inputDim, int classes) {
        int[] widths = net.spec().widths(inputDim, classes);
        int widest = 1;
        for (int l = 1; l < widths.length; l++) {
            widest = Math.max(widest, widths[l]);
        }
        if (net.size() > 1) {
            widest = Math.max(widest, inputDim);
        }
        long rows = EVAL_ACTIVATIONS / ((long) net.size() * widest);
        return (int) Math.max(16, Math.min(4096, rows / 16 * 16));
    }

    /** Probabilities of every head for the rows of {@code x}, computed once per epoch. */
    record Evaluation(float[][][] train, float[][][] val, StackedNetwork.WeightStats weights, double[][] rates,
            double[] pruned) {

        static Evaluation of(NDManager run, StackedNetwork net, List<NDArray> keepAlive, BatchRows trainX, BatchRows valX, int rows) {
            float[][][] tr = proba(run, net, keepAlive, trainX, rows);
            float[][][] va = valX == null ? null : proba(run, net, keepAlive, valX, rows);
            return new Evaluation(tr, va, net.weightStats(), net.dropoutRates(), net.prunedFractions());
        }

        EpochRecord record(int k, int epoch, double lr, double objective, FeatureMatrix trainRows, FeatureMatrix valRows, HeadJob job) {
            Metrics tr = Metrics.of(train[k], trainRows.labels(), job.rowWeights());
            Metrics va;
            if (job.watchRows() != null) {
                int[] w = job.watchRows();
                float[][] p = new float[w.length][];
                int[] y = new int[w.length];
                for (int i = 0; i < w.length; i++) {
                    p[i] = train[k][w[i]];
                    y[i] = trainRows.labels()[w[i]];
                }
                va = Metrics.of(p, y);
            } else {
                va = valRows == null ? null : Metrics.of(val[k], valRows.labels());
            }
            List<Double> norms = java.util.Arrays.stream(weights.norms()[k]).boxed().toList();
            List<Double> r = java.util.Arrays.stream(rates[k]).boxed().toList();
            return new EpochRecord(epoch, lr, objective, tr.loss(), tr.accuracy(), tr.macroF1(),
                    va == null ? null : va.loss(), va == null ? null : va.accuracy(), va == null ? null : va.macroF1(),
                    va == null ? null : tr.accuracy() - va.accuracy(), va == null ? null : va.loss() - tr.loss(),
                    norms, weights.zeroFraction()[k], pruned[k], r);
        }
    }

    /**
     * Probabilities {@code [K][rows][C]} in inference mode for the rows of {@code x} (one of
     * {@code keepAlive}), batched in sub-managers of {@code batch} rows.
     */
    static float[][][] proba(NDManager run, StackedNetwork net, List<NDArray> keepAlive, BatchRows x, int batch) {
        int rows = x.rows();
        int heads = net.size();
        float[][][] out = new float[heads][rows][];
        for (int start = 0; start < rows; start += batch) {
            int n = Math.min(batch, rows - start);
            try (NDManager scope = run.newSubManager()) {
                scope.tempAttachAll(keepAlive.toArray(new NDArray[0]));
                NDArray features = x.slice(scope, start, n);
                float[] flat = net.forward(features, false, null).softmax(2).toFloatArray();
                int c = flat.length / (heads * n);
                for (int k = 0; k < heads; k++) {
                    for (int i = 0; i < n; i++) {
                        int at = (k * n + i) * c;
                        out[k][start + i] = java.util.Arrays.copyOfRange(flat, at, at + c);
                    }
                }
            }
        }
        return out;
    }
}
