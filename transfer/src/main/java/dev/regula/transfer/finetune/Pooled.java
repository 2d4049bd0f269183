package dev.regula.transfer.finetune;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.Map;
import java.util.Objects;

/** The DJL forward of a (trained) top on cached hidden states: what an exported unfrozen model is checked against. */
public final class Pooled {
    private Pooled() {
    }

    /**
     * The top's one output for every example of {@code data}, in order, {@code [n][d]}.
     *
     * @param top  interpreter fed {@code cut} (and {@code mask}, when it reads it) with one output
     * @param batchSize examples per forward
     * @param parent manager for the batches; nothing is left in it
     */
    public static float[][] of(OnnxInterpreter top, String cut, String mask, CutBatches data, int batchSize, NDManager parent)
            throws InterpreterException {
        Objects.requireNonNull(top, "top");
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize is " + batchSize + ", expected >= 1");
        }
        float[][] out = new float[data.size()][];
        for (int start = 0; start < data.size(); start += batchSize) {
            int[] rows = new int[Math.min(data.size(), start + batchSize) - start];
            for (int k = 0; k < rows.length; k++) {
                rows[k] = start + k;
            }
            try (NDManager batch = parent.newSubManager()) {
                NDList in = data.batch(batch, rows);
                Map<String, NDArray> feeds = top.feeds().contains(mask) ? Map.of(cut, in.get(0), mask, in.get(1)) : Map.of(cut, in.get(0));
                NDArray y = top.forward(batch, feeds).values().iterator().next();
                int d = Math.toIntExact(y.getShape().get(1));
                float[] flat = y.toFloatArray();
                for (int k = 0; k < rows.length; k++) {
                    out[start + k] = java.util.Arrays.copyOfRange(flat, k * d, (k + 1) * d);
                }
            }
        }
        return out;
    }
}
