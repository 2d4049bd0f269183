package dev.regula.models.quant;

import java.util.Objects;
import java.util.Set;

/**
 * Which MatMuls a static quantization leaves in fp32, and how weights are scaled.
 *
 * @param keepFloat         output tensor names of quantizable MatMuls to leave fp32 (chosen by
 *                          calibration error on train rows, e.g. by {@code Sensitivity})
 * @param perChannelWeights one int8 scale per weight column (output channel) instead of one per
 *                          tensor. At opset 11 {@code DequantizeLinear} has no axis, so the column
 *                          scales move behind the MatMul as a {@code Mul} on its output: the
 *                          weight is stored as {@code round(W[:, n] / c_n)} dequantized with scale 1,
 *                          and {@code (x @ Wq) * c} equals the per-channel dequantized product.
 */
public record WeightOptions(Set<String> keepFloat, boolean perChannelWeights) {
    public WeightOptions {
        keepFloat = Set.copyOf(Objects.requireNonNull(keepFloat, "keepFloat"));
    }

    /** Every quantizable MatMul quantized, per-tensor weight scales (what the quantizer did before). */
    public static WeightOptions perTensor() {
        return new WeightOptions(Set.of(), false);
    }
}
