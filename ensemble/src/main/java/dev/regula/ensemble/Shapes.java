package dev.regula.ensemble;

import dev.regula.transfer.head.LayerWeights;
import dev.regula.transfer.train.TrainedHead;

/** Architecture signatures: heads with equal signatures can be fused in export or averaged in a soup. */
final class Shapes {
    private Shapes() {}

    /** Layer widths and, for heads with hidden layers, the activation, e.g. {@code 12-16-3/relu}. */
    static String signature(TrainedHead h) {
        StringBuilder sb = new StringBuilder().append(h.layers().get(0).in());
        for (LayerWeights lw : h.layers()) {
            sb.append('-').append(lw.out());
        }
        if (h.layers().size() > 1) {
            sb.append('/').append(h.spec().activation().name().toLowerCase(java.util.Locale.ROOT));
        }
        return sb.toString();
    }
}
