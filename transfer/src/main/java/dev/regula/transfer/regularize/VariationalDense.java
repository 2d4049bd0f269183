package dev.regula.transfer.regularize;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Activation;

/**
 * Sparse variational dropout for one dense layer (Molchanov, Ashukha &amp; Vetrov, "Variational
 * Dropout Sparsifies Deep Neural Networks", ICML 2017).
 *
 * <p>Each weight θ has its own noise variance σ² = exp(log_sigma2); its dropout rate is encoded by
 * {@code log α = log σ² − log θ²} (clipped to [−10, 10] for stability). Training uses the local
 * reparameterization trick: the pre-activation is sampled as
 * {@code μ = x·θᵀ + b}, {@code s² = x²·σ²ᵀ}, {@code y = μ + √(s²+1e-8)·ε}, ε ~ N(0,1).
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
    private final double threshold;

    /**
     * @param manager owner of the learned log σ² (the run's manager)
     * @param out layer output width
     * @param in layer input width
     * @param initLogSigma2 starting log σ² for every weight (−10 is customary: almost no noise)
     * @param threshold log α above which a weight counts as pruned
     */
    public VariationalDense(NDManager manager, int out, int in, double initLogSigma2, double threshold) {
        float[] init = new float[out * in];
        java.util.Arrays.fill(init, (float) initLogSigma2);
        this.logSigma2 = manager.create(init, new ai.djl.ndarray.types.Shape(out, in));
        this.logSigma2.setRequiresGradient(true);
        this.threshold = threshold;
    }

    /** The learned log σ², shape {@code [out, in]}. */
    public NDArray logSigma2() {
        return logSigma2;
    }

    /** log α for weights {@code w} (clipped). */
    public NDArray logAlpha(NDArray w) {
        return logSigma2.sub(w.square().add(1e-8f).log()).clip(-LOG_ALPHA_CLIP, LOG_ALPHA_CLIP);
    }

    /** The layer's pre-activation: sampled with the local reparameterization trick in training, pruned mean otherwise. */
    public NDArray forward(NDArray x, NDArray w, NDArray b, boolean training, NoiseSource noise) {
        if (!training) {
            return x.matMul(inferenceWeight(w).transpose()).add(b);
        }
        NDArray mu = x.matMul(w.transpose()).add(b);
        NDArray var = x.square().matMul(logSigma2.exp().transpose());
        NDArray eps = noise.normal(x.getManager(), mu.getShape());
        return mu.add(var.add(1e-8f).sqrt().mul(eps));
    }

    /** θ with pruned weights (log α &gt; threshold) set to zero. */
    public NDArray inferenceWeight(NDArray w) {
        NDArray keep = logAlpha(w).lte((float) threshold).toType(w.getDataType(), false);
        return w.mul(keep);
    }

    /** KL(q‖p) summed over this layer's weights (a positive scalar array to add to the loss). */
    public NDArray kl(NDArray w) {
        NDArray la = logAlpha(w);
        NDArray s = Activation.sigmoid(la.mul(GraphScalars.of(la, K3)).add(K2));
        NDArray softPlus = Activation.softPlus(la.neg()); // log1p(exp(−log α)), computed stably
        NDArray negKl = s.mul(GraphScalars.of(s, K1))
                .sub(softPlus.mul(GraphScalars.of(softPlus, 0.5f)))
                .sub(K1);
        return negKl.sum().neg();
    }

    /** Fraction of this layer's weights with log α above the threshold. */
    public double prunedFraction(NDArray w) {
        NDArray la = logAlpha(w);
        return la.gt((float) threshold).toType(ai.djl.ndarray.types.DataType.FLOAT32, false).mean().getFloat();
    }

    public double threshold() {
        return threshold;
    }
}
