package dev.regula.models.quant;

/**
 * One per-tensor affine int8 mapping, as ONNX's {@code QuantizeLinear} applies it:
 * {@code q = saturate(round_half_even(x / scale) + zeroPoint)}, {@code x ~ (q - zeroPoint) * scale}.
 *
 * @param scale     positive step between adjacent integers
 * @param zeroPoint the integer that stands for 0.0 (0 for signed symmetric, 0..255 for unsigned)
 * @param signed    int8 ([-128, 127]) when true, uint8 ([0, 255]) when false
 */
public record QuantParams(float scale, int zeroPoint, boolean signed) {
    public QuantParams {
        if (!(scale > 0) || !Float.isFinite(scale)) {
            throw new IllegalArgumentException("scale must be a positive finite number, got " + scale);
        }
        if (zeroPoint < lo(signed) || zeroPoint > hi(signed)) {
            throw new IllegalArgumentException("zero point " + zeroPoint + " outside [" + lo(signed) + ", "
                    + hi(signed) + "] for " + (signed ? "int8" : "uint8"));
        }
    }

    /**
     * Asymmetric uint8 over [min, max], widened to include 0 so that zero (padding, ReLU output)
     * is exact, as ONNX Runtime's quantizer does for activations.
     */
    public static QuantParams asymmetricUint8(float min, float max) {
        float lo = Math.min(min, 0f);
        float hi = Math.max(max, 0f);
        float scale = (hi - lo) / 255f;
        if (!(scale > 0)) {
            return new QuantParams(1f, 0, false);
        }
        int zp = (int) Math.rint(-lo / scale);
        return new QuantParams(scale, Math.max(0, Math.min(255, zp)), false);
    }

    /**
     * Symmetric int8 with zero point 0 over [-absMax, absMax], mapped to [-127, 127] (not -128, so
     * the range stays symmetric), as weights are quantized for the integer kernels.
     */
    public static QuantParams symmetricInt8(float absMax) {
        float scale = absMax / 127f;
        return new QuantParams(scale > 0 && Float.isFinite(scale) ? scale : 1f, 0, true);
    }

    /** {@code QuantizeLinear} of one value: round half to even, then saturate. */
    public int quantize(float x) {
        double q = Math.rint((double) x / scale) + zeroPoint;
        return (int) Math.max(lo(signed), Math.min(hi(signed), q));
    }

    /** {@code DequantizeLinear} of one integer. */
    public float dequantize(int q) {
        return (q - zeroPoint) * scale;
    }

    private static int lo(boolean signed) {
        return signed ? -128 : 0;
    }

    private static int hi(boolean signed) {
        return signed ? 127 : 255;
    }
}
