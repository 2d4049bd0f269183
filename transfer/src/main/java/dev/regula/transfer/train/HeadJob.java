package dev.regula.transfer.train;

import dev.regula.transfer.head.LayerWeights;
import dev.regula.transfer.regularize.RegularizationSpec;
import java.util.List;
import java.util.Objects;

/**
 * One head of a stack: everything that may differ between the heads of one
 * {@link StackedTrainer} run. The architecture, the rows and their order are the stack's.
 *
 * @param regularization this head's regularization: every strength (l1, l2, elastic net, weight
 *     decay, L2-SP, max-norm, dropout rates, label smoothing), class weights and early stopping
 *     may differ per head; {@link StackKey} lists what must be shared
 * @param training this head's optimisation: {@code seed} seeds its initial weights and its
 *     dropout noise, {@code learning_rate} and the schedule are its own; the optimizer family
 *     and its constants, batch size, epochs and device must be the stack's
 * @param rowWeights weight per training row (>= 0, finite, not all 0), or null for all ones:
 *     bagging gives bootstrap counts, so every head reads the same batches in the same order and
 *     a row of count 0 is out of the head's bag. The data term is the weighted mean of the batch
 *     ({@code Σ w·ℓ / Σ w}); a batch in which all of the head's rows weigh 0 is skipped by that
 *     head (no parameter change)
 * @param watchRows training rows (indices) whose metrics drive this head's early stopping and
 *     val columns instead of the validation split, e.g. its out-of-bag rows; null = the validation split
 * @param initial starting weights instead of a seeded Glorot draw (warm starts), or null
 */
public record HeadJob(RegularizationSpec regularization, TrainingSpec training, float[] rowWeights, int[] watchRows,
        List<LayerWeights> initial) {

    public HeadJob {
        Objects.requireNonNull(regularization, "regularization");
        Objects.requireNonNull(training, "training");
        if (rowWeights != null) {
            rowWeights = rowWeights.clone();
            boolean positive = false;
            for (int i = 0; i < rowWeights.length; i++) {
                float w = rowWeights[i];
                if (!(w >= 0) || !Float.isFinite(w)) {
                    throw new IllegalArgumentException("row weight " + i + " is " + w + ", expected a finite number >= 0");
                }
                positive |= w > 0;
            }
            if (!positive) {
                throw new IllegalArgumentException("row weights are all 0: the head would see no training row");
            }
        }
        if (watchRows != null) {
            watchRows = watchRows.clone();
            if (watchRows.length == 0) {
                throw new IllegalArgumentException("watch rows are empty: a head needs rows to watch, or null for the validation split");
            }
        }
        initial = initial == null ? null : List.copyOf(initial);
    }

    /** A head with these settings, all rows weighing 1, watching the validation split, from a seeded start. */
    public static HeadJob of(RegularizationSpec regularization, TrainingSpec training) {
        return new HeadJob(regularization, training, null, null, null);
    }

    /** A copy with per-row weights (bootstrap counts). */
    public HeadJob withRowWeights(float[] weights) {
        return new HeadJob(regularization, training, weights, watchRows, initial);
    }

    /** A copy that watches these training rows (out-of-bag rows) instead of the validation split. */
    public HeadJob withWatchRows(int[] rows) {
        return new HeadJob(regularization, training, rowWeights, rows, initial);
    }

    /** A copy with learning rate {@code lr} (the rest of the training spec unchanged). */
    public HeadJob withLearningRateOf(double lr) {
        return new HeadJob(regularization, training.withLearningRate(lr), rowWeights, watchRows, initial);
    }

    /** A copy starting from {@code weights}. */
    public HeadJob withInitial(List<LayerWeights> weights) {
        return new HeadJob(regularization, training, rowWeights, watchRows, weights);
    }

    /**
     * Exact bootstrap counts: {@code n} draws with replacement from {@code n} rows, as {@code drawn}
     * lists them, turned into a count per row. The bag is the same multiset of rows as the resample
     * {@code drawn}, and its out-of-bag rows are those of count 0.
     */
    public static float[] counts(int[] drawn, int rows) {
        float[] c = new float[rows];
        for (int r : drawn) {
            c[r]++;
        }
        return c;
    }
}
