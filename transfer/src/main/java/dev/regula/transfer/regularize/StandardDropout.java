package dev.regula.transfer.regularize;

import ai.djl.ndarray.NDArray;

/**
 * Inverted dropout: in training each unit is zeroed with probability {@code p} and survivors are
 * scaled by {@code 1/(1-p)}, so E[output] = input and inference needs no rescaling.
 */
public final class StandardDropout implements DropoutLayer {
    private final double p;

    public StandardDropout(double p) {
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
        NDArray keep = noise.uniform(x.getManager(), x.getShape()).gte(p).toType(x.getDataType(), false);
        return x.mul(keep).mul((float) (1.0 / (1.0 - p)));
    }

    @Override
    public double rate() {
        return p;
    }
}
