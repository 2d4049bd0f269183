package dev.regula.transfer.regularize;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;

/**
 * Sparse variational dropout for one dense layer (Molchanov, Ashukha &amp; Vetrov, "Variational
 * Dropout Sparsifies Deep Neural Networks", ICML 2017), for a stack of K heads.
 *
 * <p>Each weight θ has its own noise variance σ² = exp(log_sigma2); its dropout rate is encoded by
 * {@code log α = log σ² − log θ²} (clipped to [−10, 10] for stability). Training uses the local
 * reparameterization trick: the pre-activation is sampled as
 * {@code μ = x·θᵀ + b}, {@code s² = x²·σ²ᵀ}, {@code y = μ + √(s²+1e-8)·ε}, ε ~ N(0,1); the
 * network computes μ and s² with its (stacked) dense product and {@link #sample} adds the noise.
 * The KL term added to the loss is the paper's approximation (eq. 14)
 * <pre>
 *   −KL ≈ k1·sigmoid(k2 + k3·log α) − 0.5·log1p(exp(−log α)) − k1,
 *   k1 = 0.63576, k2 = 1.87320, k3 = 1.48695,
 * </pre>
 * summed over weights. At inference the layer uses the mean θ with every weight whose
 * {@code log α > threshold} set to zero (pruned).
 */
public final class VariationalDense {
    static final float K1 = 0.63576f;
    static final float K2 = 1.87320f;
    static final float K3 = 1.48695f;
    private static final float LOG_ALPHA_CLIP = 10f;
    private final NDArray logSigma2;
    private final int heads;
    private final double[] threshold;

    /**
     * One head.
     *
     * @param manager owner of the learned log σ² (the run's manager)
     * @param out layer output width
     * @param in layer input width
     * @param initLogSigma2 starting log σ² for every weight (−10 is customary: almost no noise)
     * @param threshold log α above which a weight counts as pruned
     */
    public VariationalDense(NDManager manager, int out, int in, double initLogSigma2, double threshold) {
        this(manager, out, in, initLogSigma2, new double[] {threshold});
    }

    /** K heads ({@code thresholds.length}); log σ² is one array {@code [K, out, in]}. */
    public VariationalDense(NDManager manager, int out, int in, double initLogSigma2, double[] thresholds) {
        heads = thresholds.length;
        float[] init = new float[heads * out * in];
        java.util.Arrays.fill(init, (float) initLogSigma2);
        this.logSigma2 = manager.create(init, new Shape(heads, out, in));
        this.logSigma2.setRequiresGradient(true);
        this.threshold = thresholds.clone();
    }

    private VariationalDense(NDArray logSigma2, double[] threshold) {
        this.logSigma2 = logSigma2;
        this.heads = threshold.length;
        this.threshold = threshold;
    }

    /** The layer of the heads {@code keep} of this stack, in new arrays made by {@code index}'s manager ({@code keep} as int64). */
    public VariationalDense select(int[] keep, NDArray index) {
        NDArray s = logSigma2.get(new ai.djl.ndarray.index.NDIndex("{}", index));
        s.setRequiresGradient(true);
        return new VariationalDense(s, ConcreteDropout.pick(threshold, keep));
    }

    /** The learned log σ², shape {@code [K, out, in]}. */
    public NDArray logSigma2() {
        return logSigma2;
    }

    /** log α for weights {@code w} {@code [K, out, in]} (clipped). */
    public NDArray logAlpha(NDArray w) {
        return logSigma2.sub(w.square().add(1e-8f).log()).clip(-LOG_ALPHA_CLIP, LOG_ALPHA_CLIP);
    }

    /**
     * A training pre-activation from the mean {@code mu = x·θᵀ + b} and the variance
     * {@code var = x²·σ²ᵀ}, both {@code [K, rest...]}: head k draws its ε from {@code noises[k]}.
     */
    public NDArray sample(NDArray mu, NDArray var, NoiseSource[] noises) {
        Shape rest = mu.getShape().slice(1);
        int n = Math.toIntExact(rest.size());
        float[] e = new float[heads * n];
        for (int k = 0; k < heads; k++) {
            System.arraycopy(noises[k].normalValues(n), 0, e, k * n, n);
        }
        NDArray eps = mu.getManager().create(e, mu.getShape());
        return mu.add(var.add(1e-8f).sqrt().mul(eps));
    }

    /** θ with pruned weights (log α &gt; threshold) set to zero. */
    public NDArray inferenceWeight(NDArray w) {
        NDArray keep = logAlpha(w).lte(HeadAxis.column(w, threshold)).toType(w.getDataType(), false);
        return w.mul(keep);
    }

    /** KL(q‖p) summed over each head's weights: {@code [K]}, positive, to add to the loss. */
    public NDArray kl(NDArray w) {
        NDArray la = logAlpha(w);
        NDArray s = Activation.sigmoid(la.mul(GraphScalars.of(la, K3)).add(K2));
        NDArray softPlus = Activation.softPlus(la.neg()); // log1p(exp(−log α)), computed stably
        NDArray negKl = s.mul(GraphScalars.of(s, K1))
                .sub(softPlus.mul(GraphScalars.of(softPlus, 0.5f)))
                .sub(K1);
        return HeadAxis.sums(negKl, heads).neg();
    }

    /** Fraction of a single head's weights {@code w} with log α above the threshold. */
    public double prunedFraction(NDArray w) {
        return (double) prunedCounts(w)[0] * heads / w.size();
    }

    /** Number of weights with log α above the threshold, per head. */
    public long[] prunedCounts(NDArray w) {
        float[] pruned = HeadAxis.sums(logAlpha(w).gt(HeadAxis.column(w, threshold)).toType(DataType.FLOAT32, false), heads)
                .toFloatArray();
        long[] out = new long[heads];
        for (int k = 0; k < heads; k++) {
            out[k] = (long) pruned[k];
        }
        return out;
    }
}
