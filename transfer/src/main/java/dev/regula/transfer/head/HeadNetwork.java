package dev.regula.transfer.head;

import java.util.List;

/**
 * A read-only view of one head while it trains (it may be one head of a stack): what a step
 * listener may look at. Every call copies from the engine, so listeners that read it every step
 * slow training down.
 */
public interface HeadNetwork {
    /** The architecture. */
    HeadSpec spec();

    /** The weights used at inference, as Java arrays: variational layers have pruned weights set to zero. */
    List<LayerWeights> inferenceWeights();

    /** Current rate of each dropout site (learned ones included), site 0 = input. */
    double[] dropoutRates();

    /** Fraction of weights pruned by variational dropout (0 without it). */
    double prunedFraction();
}
