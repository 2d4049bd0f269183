package dev.regula.transfer.train;

import ai.djl.ndarray.NDArray;
import dev.regula.transfer.head.HeadNetwork;
import dev.regula.transfer.regularize.DecoupledWeightDecay;
import dev.regula.transfer.regularize.MaxNormConstraint;
import dev.regula.transfer.regularize.RegularizationSpec;
import java.util.ArrayList;
import java.util.List;

/** What happens to the weights after each optimizer step, outside the gradient: decoupled decay, then max-norm. */
final class UpdateRules {
    private final HeadNetwork net;
    private final DecoupledWeightDecay decay;
    private final MaxNormConstraint maxNorm;
    private final boolean includeBias;

    private UpdateRules(HeadNetwork net, DecoupledWeightDecay decay, MaxNormConstraint maxNorm, boolean includeBias) {
        this.net = net;
        this.decay = decay;
        this.maxNorm = maxNorm;
        this.includeBias = includeBias;
    }

    static UpdateRules of(RegularizationSpec reg, HeadNetwork net) {
        return new UpdateRules(net, new DecoupledWeightDecay(reg.weightDecay()),
                reg.maxNorm() == null ? null : new MaxNormConstraint(reg.maxNorm()), reg.includeBias());
    }

    void afterStep(double lr) {
        if (includeBias) {
            List<NDArray> all = new ArrayList<>(net.weights());
            all.addAll(net.biases());
            decay.apply(all, lr);
        } else {
            decay.apply(net.weights(), lr);
        }
        if (maxNorm != null) {
            for (NDArray w : net.weights()) {
                maxNorm.apply(w);
            }
        }
    }
}
