package dev.regula.transfer.train;

import dev.regula.transfer.features.FeatureMatrix;
import java.util.List;
import java.util.SplittableRandom;

/** The batch order a stack shares, and each head's row weights for a batch. */
final class Batches {
    private final int[] order;
    private final int batchSize;
    private final float[][] rowWeights;

    Batches(FeatureMatrix train, List<HeadJob> jobs, int batchSize) {
        int n = train.rows();
        this.order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        this.batchSize = batchSize;
        boolean any = jobs.stream().anyMatch(j -> j.rowWeights() != null);
        this.rowWeights = any ? jobs.stream().map(HeadJob::rowWeights).toArray(float[][]::new) : null;
    }

    /** Optimizer steps per epoch. */
    int perEpoch() {
        return (order.length + batchSize - 1) / batchSize;
    }

    /** Fisher-Yates over the current order, as the single-head trainer shuffled it each epoch. */
    void shuffle(SplittableRandom rng) {
        for (int i = order.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }

    /** The row indices of batch {@code s} of this epoch. */
    int[] rows(int s) {
        int from = s * batchSize;
        return java.util.Arrays.copyOfRange(order, from, Math.min(order.length, from + batchSize));
    }

    /**
     * For the heads {@code members} (job indices), the weights of rows {@code idx} (null for a head
     * without row weights); null when none of them has any.
     */
    float[][] weights(int[] idx, int[] members) {
        if (rowWeights == null) {
            return null;
        }
        float[][] out = new float[members.length][];
        boolean any = false;
        for (int k = 0; k < out.length; k++) {
            float[] w = rowWeights[members[k]];
            if (w != null) {
                any = true;
                out[k] = new float[idx.length];
                for (int i = 0; i < idx.length; i++) {
                    out[k][i] = w[idx[i]];
                }
            }
        }
        return any ? out : null;
    }

    /** Whether a head's batch has any weight (true without row weights). */
    static boolean anyPositive(float[] w) {
        if (w == null) {
            return true;
        }
        for (float v : w) {
            if (v > 0) {
                return true;
            }
        }
        return false;
    }
}
