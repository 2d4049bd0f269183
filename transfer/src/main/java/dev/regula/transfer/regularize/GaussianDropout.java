package dev.regula.transfer.regularize;

import ai.djl.ndarray.NDArray;

/**
 * Gaussian (multiplicative) dropout (Srivastava et al. 2014, §10): in training the input is
 * multiplied by noise drawn from N(1, p/(1-p)), the variance of inverted Bernoulli dropout of rate
 * {@code p}. Mean-preserving, the identity at inference.
 */
public final class GaussianDropout implements DropoutLayer {
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
        float std = (float) Math.sqrt(p / (1.0 - p));
        NDArray factor = noise.normal(x.getManager(), x.getShape()).mul(std).add(1f);
        return x.mul(factor);
    }

    @Override
    public double rate() {
        return p;
    }
}
