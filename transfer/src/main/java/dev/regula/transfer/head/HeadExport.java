package dev.regula.transfer.head;

import dev.regula.models.GraphBuilder;
import dev.regula.models.OnnxRef;
import java.util.List;

/**
 * Writes a trained head into an ONNX graph under construction: one {@code Gemm} per layer
 * ({@code transB=1}, so W keeps its {@code [out, in]} layout), the hidden activation, and a final
 * {@code Softmax} over axis 1. Dropout is absent, as at inference.
 */
public final class HeadExport {
    private static final float INV_SQRT2 = (float) (1.0 / Math.sqrt(2.0));

    private HeadExport() {}

    /**
     * @param g the builder to write into (the head builds no model of its own)
     * @param features a {@code [batch, d]} float tensor of {@code g}
     * @param nameHint prefix for the head's initializers (made unique by the builder)
     * @return the {@code [batch, C]} probabilities
     */
    public static OnnxRef write(GraphBuilder g, OnnxRef features, List<LayerWeights> layers, HeadActivation activation,
            String nameHint) {
        OnnxRef h = features;
        for (int l = 0; l < layers.size(); l++) {
            LayerWeights lw = layers.get(l);
            OnnxRef w = g.initializer(nameHint + "_W" + l, lw.w());
            OnnxRef b = g.initializer(nameHint + "_b" + l, lw.b(), lw.out());
            h = g.gemm(h, w, b, 1f, 1f, false, true);
            if (l + 1 < layers.size()) {
                h = activate(g, h, activation);
            }
        }
        return g.softmax(h, 1);
    }

    private static OnnxRef activate(GraphBuilder g, OnnxRef x, HeadActivation a) {
        return switch (a) {
            case RELU -> g.relu(x);
            case TANH -> g.tanh(x);
            // Exact GELU, as DJL/PyTorch compute it: 0.5·x·(1 + erf(x/√2)).
            case GELU -> g.mul(g.mul(x, g.constant(0.5f)), g.add(g.constant(1f), g.erf(g.mul(x, g.constant(INV_SQRT2)))));
        };
    }
}
