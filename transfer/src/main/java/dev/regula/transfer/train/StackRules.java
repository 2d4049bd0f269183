package dev.regula.transfer.train;

import ai.djl.ndarray.NDArray;
import dev.regula.transfer.regularize.DecoupledWeightDecay;
import dev.regula.transfer.regularize.HeadAxis;
import dev.regula.transfer.regularize.MaxNormConstraint;
import dev.regula.transfer.regularize.RegularizationSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * What happens to the weights after each optimizer step, outside the gradient: decoupled decay,
 * then max-norm, each with one strength per head. A head that sits the step out (stopped, or no
 * row of its bag in the batch) gets factor 1 and bound +∞, which leave its weights exactly as they are.
 */
final class StackRules {
    private final StackedNetwork net;
    private final DecoupledWeightDecay[] decay;
    private final double[] maxNorm;
    private final boolean anyDecay;
    private final boolean anyMaxNorm;
    private final boolean includeBias;

    private StackRules(StackedNetwork net, DecoupledWeightDecay[] decay, double[] maxNorm, boolean includeBias) {
        this.net = net;
        this.decay = decay;
        this.maxNorm = maxNorm;
        this.anyDecay = java.util.Arrays.stream(decay).anyMatch(d -> d.wd() > 0);
        this.anyMaxNorm = java.util.Arrays.stream(maxNorm).anyMatch(Double::isFinite);
        this.includeBias = includeBias;
    }

    static StackRules of(List<RegularizationSpec> regs, StackedNetwork net) {
        int heads = regs.size();
        DecoupledWeightDecay[] decay = new DecoupledWeightDecay[heads];
        double[] maxNorm = new double[heads];
        for (int k = 0; k < heads; k++) {
            RegularizationSpec reg = regs.get(k);
            decay[k] = new DecoupledWeightDecay(reg.weightDecay());
            maxNorm[k] = reg.maxNorm() == null ? Double.POSITIVE_INFINITY : new MaxNormConstraint(reg.maxNorm()).c();
        }
        return new StackRules(net, decay, maxNorm, regs.get(0).includeBias());
    }

    /** Applies the rules after a step taken with learning rate {@code lr[k]} by the heads with {@code active[k]}. */
    void afterStep(double[] lr, boolean[] active) {
        NDArray first = net.weights().get(0);
        if (anyDecay) {
            double[] factor = new double[decay.length];
            for (int k = 0; k < factor.length; k++) {
                factor[k] = active[k] ? decay[k].factor(lr[k]) : 1.0;
            }
            List<NDArray> targets = new ArrayList<>(net.weights());
            if (includeBias) {
                targets.addAll(net.biases());
            }
            try (NDArray f = HeadAxis.column(first, factor)) {
                for (NDArray w : targets) {
                    w.muli(f);
                }
            }
        }
        if (anyMaxNorm) {
            double[] bound = new double[maxNorm.length];
            for (int k = 0; k < bound.length; k++) {
                bound[k] = active[k] ? maxNorm[k] : Double.POSITIVE_INFINITY;
            }
            try (NDArray c = HeadAxis.column(first, bound)) {
                for (NDArray w : net.weights()) {
                    MaxNormConstraint.apply(w, c);
                }
            }
        }
    }
}
