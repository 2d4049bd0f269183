package dev.regula.transfer.finetune;

import java.util.Objects;

/**
 * How the top of a backbone and a linear head are trained on cached hidden states.
 *
 * @param schedule             {@link Schedule}
 * @param epochs               epochs of the fine-tuning phase (of the probe for {@link Schedule#FROZEN})
 * @param probeEpochs          epochs of the linear probe before unfreezing ({@link Schedule#LP_FT} only)
 * @param batchSize            examples per step
 * @param headLearningRate     Adam learning rate of the head
 * @param backboneLearningRate Adam learning rate of the unfrozen layers (discriminative: normally lower than the head's)
 * @param l2sp                 L2-SP strength: pulls the unfrozen weights toward their pretrained values (Li et al. 2018)
 * @param l2Backbone           plain L2 on the unfrozen weights (toward 0), for comparison with L2-SP
 * @param l2Head               L2 on the head's weights
 * @param hiddenDropout        dropout rate on the hidden states entering the unfrozen layers
 * @param patience             epochs without a lower validation NLL before stopping
 * @param seed                 shuffling, head initialization and dropout masks
 */
public record FineTuneSpec(Schedule schedule, int epochs, int probeEpochs, int batchSize, double headLearningRate,
                           double backboneLearningRate, double l2sp, double l2Backbone, double l2Head, double hiddenDropout,
                           int patience, long seed) {
    /** What trains when. */
    public enum Schedule {
        /** The head only, on frozen features (the baseline). */
        FROZEN,
        /** Head and unfrozen layers together from the start, the head initialized small and random. */
        JOINT,
        /** LP-FT (Kumar et al. 2022): a linear probe on frozen features first, then head and layers together. */
        LP_FT
    }

    public FineTuneSpec {
        Objects.requireNonNull(schedule, "schedule");
        positive("epochs", epochs);
        positive("batch_size", batchSize);
        positive("patience", patience);
        if (probeEpochs < 0 || (schedule == Schedule.LP_FT && probeEpochs == 0)) {
            throw new IllegalArgumentException("probe_epochs is " + probeEpochs + ", expected >= 1 for lp_ft (>= 0 otherwise)");
        }
        nonNegative("head_learning_rate", headLearningRate);
        nonNegative("backbone_learning_rate", backboneLearningRate);
        nonNegative("l2_sp", l2sp);
        nonNegative("l2_backbone", l2Backbone);
        nonNegative("l2_head", l2Head);
        if (!(hiddenDropout >= 0 && hiddenDropout < 1)) {
            throw new IllegalArgumentException("hidden_dropout is " + hiddenDropout + ", expected 0 <= rate < 1");
        }
    }

    private static void positive(String key, int v) {
        if (v < 1) {
            throw new IllegalArgumentException(key + " is " + v + ", expected >= 1");
        }
    }

    private static void nonNegative(String key, double v) {
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(key + " is " + v + ", expected a finite number >= 0");
        }
    }
}
