package dev.regula.transfer.regularize;

import ai.djl.ndarray.NDArray;

/**
 * Gaussian (multiplicative) dropout (Srivastava et al. 2014, §10): in training the input is
 * multiplied by noise drawn from N(1, p/(1-p)), the variance of inverted Bernoulli dropout of rate
 * {@code p}. Mean-preserving, the identity at inference.
 */
public final class GaussianDropout implements MaskDropout {
    private final double p;

    public GaussianDropout(double p) {
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException("dropout rate must be in [0, 1), got " + p);
        }
        this.p = p;
    }

    @Override
    public NDArray apply(NDArray x, boolean training, NoiseSource noise) {
        if (!training || p == 0) {
            return x;
        }
        return x.mul(x.getManager().create(maskValues(Math.toIntExact(x.getShape().size()), noise), x.getShape()));
    }

    /**
     * {@code 1 + std·n}, n ~ N(0, 1), in float32: the product and the sum are single IEEE
     * operations, so these are the bits the engine computed when it scaled and shifted the noise.
     */
    @Override
    public float[] maskValues(int n, NoiseSource noise) {
        float std = (float) Math.sqrt(p / (1.0 - p));
        float[] f = noise.normalValues(n);
        for (int i = 0; i < f.length; i++) {
            f[i] = f[i] * std + 1f;
        }
        return f;
    }

    @Override
    public double rate() {
        return p;
    }
}
