package dev.regula.transfer.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import dev.regula.models.GraphBuilder;
import dev.regula.models.OnnxRef;
import dev.regula.transfer.features.FeatureMatrix;
import dev.regula.transfer.head.HeadExport;
import dev.regula.transfer.head.HeadBlocks;
import dev.regula.transfer.head.HeadSpec;
import dev.regula.transfer.head.LayerWeights;
import dev.regula.transfer.regularize.RegularizationSpec;
import java.util.List;
import java.util.Objects;

/**
 * A trained head: its specs, its inference weights as plain Java arrays and its history. Holds no
 * native memory; {@link #predictProba} opens and closes its own DJL manager.
 *
 * @param spec architecture
 * @param regularization regularization it was trained under
 * @param training optimisation settings
 * @param classes number of output classes C
 * @param layers inference weights per layer, {@code W [out][in]} (y = x·Wᵀ + b); variational
 *     layers hold the mean weights with pruned ones set to zero
 * @param history per-epoch history and the kept epoch
 * @param sparsity fraction of weights that are zero at inference (pruned ones included)
 * @param dropoutRates final rate per dropout site, input first (learned ones for concrete)
 */
public record TrainedHead(
        HeadSpec spec,
        RegularizationSpec regularization,
        TrainingSpec training,
        int classes,
        List<LayerWeights> layers,
        TrainingHistory history,
        double sparsity,
        double[] dropoutRates) {

    public TrainedHead {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(history, "history");
        layers = List.copyOf(layers);
        if (layers.isEmpty() || layers.get(layers.size() - 1).out() != classes) {
            throw new IllegalArgumentException("last layer must have " + classes + " outputs");
        }
        dropoutRates = dropoutRates.clone();
    }

    /** Input feature dimension. */
    public int inputDim() {
        return layers.get(0).in();
    }

    /**
     * Writes this head into {@code g} after {@code features} ({@code [batch, d]} float) and returns
     * its {@code [batch, C]} probabilities: Gemm per layer, activation, Softmax. The exported graph
     * matches {@link #predictProba} (no dropout; variational layers with pruned weights zeroed).
     */
    public OnnxRef writeGraph(GraphBuilder g, OnnxRef features) {
        return HeadExport.write(g, features, layers, spec.activation(), "head");
    }

    /** Class probabilities {@code [rows][C]} computed with DJL on the CPU (no dropout, no weight noise). */
    public float[][] predictProba(FeatureMatrix x) {
        if (x.dim() != inputDim()) {
            throw new IllegalArgumentException("features have dim " + x.dim() + ", the head expects " + inputDim());
        }
        float[][] out = new float[x.rows()][];
        if (x.rows() == 0) {
            return out;
        }
        try (NDManager manager = Engine.getInstance().newBaseManager(Device.cpu())) {
            Block block = HeadBlocks.inferenceBlock(manager, layers, spec.activation());
            // A sparse matrix is densified a batch at a time, so its batches stay near 16 MB (4M floats).
            int batch = x.hasSparse() ? Math.max(16, Math.min(4096, (1 << 22) / x.dim() / 16 * 16)) : 4096;
            for (int start = 0; start < x.rows(); start += batch) {
                int n = Math.min(batch, x.rows() - start);
                try (NDManager scope = manager.newSubManager()) {
                    float[] buf = new float[n * x.dim()];
                    x.rangeInto(start, n, buf);
                    NDArray p = HeadBlocks.predict(block, scope, scope.create(buf, new Shape(n, x.dim())));
                    float[] flat = p.toFloatArray();
                    for (int i = 0; i < n; i++) {
                        out[start + i] = java.util.Arrays.copyOfRange(flat, i * classes, (i + 1) * classes);
                    }
                }
            }
        }
        return out;
    }
}
