package dev.regula.transfer.regularize;

import ai.djl.ndarray.NDArray;

/**
 * Inverted dropout: in training each unit is zeroed with probability {@code p} and survivors are
 * scaled by {@code 1/(1-p)}, so E[output] = input and inference needs no rescaling.
 */
public final class StandardDropout implements MaskDropout {
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
        return x.mul(x.getManager().create(maskValues(Math.toIntExact(x.getShape().size()), noise), x.getShape()));
    }

    @Override
    public float[] maskValues(int n, NoiseSource noise) {
        // The mask is built already scaled, in float32 as the engine compared and scaled it before:
        // x·(keep·s) equals x·keep·s bit for bit because keep is 0 or 1, and it costs one array op, not four.
        float[] mask = noise.uniformValues(n);
        int rateBits = Float.floatToRawIntBits((float) p);
        int scaleBits = Float.floatToRawIntBits((float) (1.0 / (1.0 - p)));
        for (int i = 0; i < mask.length; i++) {
            // u >= rate without a branch (a coin flip mispredicts half the time): for non-negative
            // floats the bit patterns order as the values do, so the sign of the difference decides,
            // and it selects scale's bits or +0f.
            int drop = (Float.floatToRawIntBits(mask[i]) - rateBits) >> 31;
            mask[i] = Float.intBitsToFloat(scaleBits & ~drop);
        }
        return mask;
    }

    @Override
    public double rate() {
        return p;
    }
}
