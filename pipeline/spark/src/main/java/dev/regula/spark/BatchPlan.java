package dev.regula.spark;

import dev.regula.transfer.features.FeatureExtractor;
import java.io.Serializable;
import java.util.Arrays;
import java.util.List;

/**
 * Which batch, and which place in it, each input row takes: the very batches the local
 * {@link FeatureExtractor} forms for each split (its {@link FeatureExtractor#batchOrder}, cut every
 * {@code batchSize} entries). Rows are named by their id (their index in the input, skipped rows
 * included); a row in no split has batch -1.
 */
final class BatchPlan implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int[] batchOf;
    private final int[] placeOf;
    private final int batches;

    private BatchPlan(int[] batchOf, int[] placeOf, int batches) {
        this.batchOf = batchOf;
        this.placeOf = placeOf;
        this.batches = batches;
    }

    /**
     * @param ids per split, the row ids in the split's order
     * @param lengthOf token count per row id
     * @param rows number of row ids
     */
    static BatchPlan of(List<long[]> ids, int[] lengthOf, int rows, int batchSize, boolean bucketByLength) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be resolved (>= 1), got " + batchSize);
        }
        int[] batchOf = new int[rows];
        int[] placeOf = new int[rows];
        Arrays.fill(batchOf, -1);
        int next = 0;
        for (long[] split : ids) {
            int[] lengths = new int[split.length];
            for (int i = 0; i < split.length; i++) {
                lengths[i] = lengthOf[(int) split[i]];
            }
            Integer[] order = FeatureExtractor.batchOrder(lengths, bucketByLength);
            for (int k = 0; k < order.length; k++) {
                int id = (int) split[order[k]];
                batchOf[id] = next + k / batchSize;
                placeOf[id] = k % batchSize;
            }
            next += (split.length + batchSize - 1) / batchSize;
        }
        return new BatchPlan(batchOf, placeOf, next);
    }

    /** The global batch of row {@code id}, or -1 when it is in no split. */
    int batch(long id) {
        return batchOf[(int) id];
    }

    /** Its place in the batch. */
    int place(long id) {
        return placeOf[(int) id];
    }

    int batches() {
        return batches;
    }
}
