package dev.regula.transfer.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.regula.transfer.features.FeatureMatrix;
import dev.regula.transfer.head.HeadSpec;
import dev.regula.transfer.head.LayerWeights;
import dev.regula.transfer.regularize.RegularizationSpec;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains one head on cached features: the K = 1 case of {@link StackedTrainer}, with the head's
 * seed also seeding the batch order. Its loop on DJL arrays and autograd: forward, loss +
 * penalties, backward, optimizer update, then decoupled decay and max-norm outside the gradient.
 * Fully seeded by {@link TrainingSpec#seed()}: initial weights, shuffles and dropout noise come
 * from Java {@code SplittableRandom}s derived from it, and the engine is seeded too. On the CPU
 * the same inputs and seed give bit-identical weights provided libtorch's intra-op thread count is
 * fixed ({@code -Dai.djl.pytorch.num_threads=1}, as the tests run): a multi-threaded BLAS may
 * otherwise split sums differently from run to run.
 */
public final class HeadTrainer {
    private static final Logger LOG = LoggerFactory.getLogger(HeadTrainer.class);

    private HeadTrainer() {}

    /**
     * Trains a head.
     *
     * @param train training rows; labels in [0, classes)
     * @param val validation rows, or null (then early stopping is not allowed)
     * @param classes number of classes C >= 2
     */
    public static TrainedHead train(FeatureMatrix train, FeatureMatrix val, int classes, HeadSpec head,
            RegularizationSpec reg, TrainingSpec spec) {
        return train(train, val, classes, head, reg, spec, StepListener.NONE);
    }

    /** As {@link #train(FeatureMatrix, FeatureMatrix, int, HeadSpec, RegularizationSpec, TrainingSpec)}, calling {@code listener} after every step. */
    public static TrainedHead train(FeatureMatrix train, FeatureMatrix val, int classes, HeadSpec head,
            RegularizationSpec reg, TrainingSpec spec, StepListener listener) {
        return train(train, val, classes, head, HeadJob.of(reg, spec), listener);
    }

    /**
     * As {@link #train(FeatureMatrix, FeatureMatrix, int, HeadSpec, RegularizationSpec, TrainingSpec)},
     * but starting from {@code initial} weights instead of a seeded Glorot draw (warm starts, e.g.
     * snapshot ensembles). Optimizer state starts fresh. {@code initial} must match the widths of
     * {@code head} for this input dim and class count.
     */
    public static TrainedHead train(FeatureMatrix train, FeatureMatrix val, int classes, HeadSpec head,
            RegularizationSpec reg, TrainingSpec spec, List<LayerWeights> initial) {
        java.util.Objects.requireNonNull(initial, "initial");
        return train(train, val, classes, head, HeadJob.of(reg, spec).withInitial(initial), StepListener.NONE);
    }

    /** One job as a stack of one, its training seed also ordering the batches. */
    public static TrainedHead train(FeatureMatrix train, FeatureMatrix val, int classes, HeadSpec head, HeadJob job,
            StepListener listener) {
        return StackedTrainer.train(train, val, classes, head, job.training().seed(), List.of(job),
                (epoch, step, net) -> listener.afterStep(epoch, step, net.head(0))).get(0);
    }

    /** {@code m}'s rows as one engine-allocated array {@code [rows, dim]} of {@code manager}, copied over in chunks. */
    static NDArray upload(NDManager manager, FeatureMatrix m) {
        NDArray all = manager.zeros(new Shape(m.rows(), m.dim()));
        int chunk = 4096;
        for (int start = 0; start < m.rows(); start += chunk) {
            int k = Math.min(chunk, m.rows() - start);
            try (NDManager scope = manager.newSubManager()) {
                float[] buf = new float[k * m.dim()];
                m.rangeInto(start, k, buf);
                all.set(new NDIndex(start + ":" + (start + k)), scope.create(buf, new Shape(k, m.dim())));
            }
        }
        return all;
    }

    static double zeroFraction(List<LayerWeights> layers) {
        long zeros = 0;
        long total = 0;
        for (LayerWeights lw : layers) {
            for (float[] row : lw.w()) {
                for (float v : row) {
                    if (v == 0f) {
                        zeros++;
                    }
                }
                total += row.length;
            }
        }
        return (double) zeros / total;
    }

    /** Picks the device: {@code auto} falls back to the CPU with one log line; {@code gpu} without one fails. */
    static Device resolveDevice(Engine engine, TrainingSpec.DeviceChoice choice) {
        int gpus = engine.getGpuCount();
        return switch (choice) {
            case CPU -> Device.cpu();
            case GPU -> {
                if (gpus == 0) {
                    throw new IllegalArgumentException("device: gpu was requested but " + engine.getEngineName() + " "
                            + engine.getVersion() + " sees no GPU (CPU-only libtorch or no CUDA device); use device: cpu or auto");
                }
                yield Device.gpu();
            }
            case AUTO -> {
                if (gpus == 0) {
                    LOG.info("device: auto found no GPU, training on the CPU");
                    yield Device.cpu();
                }
                yield Device.gpu();
            }
        };
    }
}
