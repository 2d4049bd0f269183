package dev.regula.transfer.train;

/**
 * Called after every optimizer step of a stack (decay and constraints applied), for progress
 * reporting and for checks that must hold step by step. The network must not be modified.
 */
@FunctionalInterface
public interface StackListener {
    /** @param step 1-based optimizer step; {@code epoch} 1-based */
    void afterStep(int epoch, long step, StackedNetwork net);

    StackListener NONE = (epoch, step, net) -> {};
}
