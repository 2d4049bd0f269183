package dev.regula.transfer.train;

import dev.regula.transfer.head.HeadNetwork;

/**
 * Called after every optimizer step (decay and constraints applied), for progress reporting and
 * for checks that must hold step by step. The network must not be modified.
 */
@FunctionalInterface
public interface StepListener {
    /** @param step 1-based optimizer step; {@code epoch} 1-based */
    void afterStep(int epoch, long step, HeadNetwork net);

    StepListener NONE = (epoch, step, net) -> {};
}
