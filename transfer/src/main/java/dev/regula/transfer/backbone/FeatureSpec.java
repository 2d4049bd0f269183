package dev.regula.transfer.backbone;

import java.util.Objects;

/**
 * Which tensor of a backbone becomes the features, and how it is pooled.
 *
 * @param tensor a graph output or an internal tensor of the backbone (the graph is cut there)
 * @param pooling how token vectors become one vector per example
 * @param l2Normalize divide each feature vector by its L2 norm
 * @param maskInput the graph input holding the attention mask (read by mean and max pooling)
 */
public record FeatureSpec(String tensor, Pooling pooling, boolean l2Normalize, String maskInput) {
    /** The usual name of the attention-mask input of transformer exports. */
    public static final String DEFAULT_MASK_INPUT = "attention_mask";

    public FeatureSpec {
        Objects.requireNonNull(pooling, "pooling");
        if (tensor == null || tensor.isBlank()) {
            throw new IllegalArgumentException("feature tensor name must not be empty");
        }
        if (maskInput == null || maskInput.isBlank()) {
            maskInput = DEFAULT_MASK_INPUT;
        }
    }

    public FeatureSpec(String tensor, Pooling pooling, boolean l2Normalize) {
        this(tensor, pooling, l2Normalize, DEFAULT_MASK_INPUT);
    }
}
