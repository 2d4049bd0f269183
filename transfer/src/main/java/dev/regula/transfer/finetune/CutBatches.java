package dev.regula.transfer.finetune;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

/** Examples as they enter the unfrozen layers: hidden states {@code [B, L, d]} and the int64 attention mask {@code [B, L]}. */
public interface CutBatches {
    /** Number of examples. */
    int size();

    /** Hidden states and mask of {@code rows}, created in {@code manager}. */
    NDList batch(NDManager manager, int[] rows);
}
