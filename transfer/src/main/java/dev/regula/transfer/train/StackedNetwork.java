package dev.regula.transfer.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.regula.transfer.head.HeadNetwork;
import dev.regula.transfer.head.HeadSpec;
import dev.regula.transfer.head.LayerWeights;
import dev.regula.transfer.regularize.DropoutSpec;
import dev.regula.transfer.regularize.NoiseSource;
import dev.regula.transfer.regularize.VariationalDense;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The trainable state of K heads of one architecture, stacked: layer l's weights are one array
 * {@code [K, out, in]} and its biases {@code [K, 1, out]}, head k's part a contiguous block. The
 * first layer reads the shared feature batch {@code [B, d]} as one GEMM against all heads'
 * weights at once ({@code [d, K·out]}); later layers, and the first one when input dropout gives
 * every head its own input, are batched products over the head axis. Activations are
 * {@code [K, B, width]}; logits {@code [K, B, C]}.
 *
 * <p>With K = 1 the products are the plain 2-D ones the single-head trainer always used (a
 * batched product of one matrix may take another kernel and round differently), so a stack of
 * one gives that trainer's results bit for bit. All arrays belong to the manager the network was
 * built with; the forward pass creates its temporaries in the input's manager.
 */
public final class StackedNetwork {
    private final HeadSpec spec;
    private final int heads;
    private final List<NDArray> weights;
    private final List<NDArray> biases;
    private final List<StackSite> sites;
    private final List<VariationalDense> variational;

    private StackedNetwork(HeadSpec spec, int heads, List<NDArray> weights, List<NDArray> biases, List<StackSite> sites,
            List<VariationalDense> variational) {
        this.spec = spec;
        this.heads = heads;
        this.weights = weights;
        this.biases = biases;
        this.sites = sites;
        this.variational = variational;
    }

    /**
     * Glorot-uniform weights drawn from {@code init} (Java side, so the start point depends on the
     * seed only) and zero biases, layer by layer, row by row.
     */
    static List<LayerWeights> glorot(HeadSpec spec, int inputDim, int classes, NoiseSource init) {
        int[] widths = spec.widths(inputDim, classes);
        List<LayerWeights> layers = new ArrayList<>();
        for (int l = 0; l + 1 < widths.length; l++) {
            int in = widths[l];
            int out = widths[l + 1];
            double a = Math.sqrt(6.0 / (in + out));
            float[][] w = new float[out][in];
            for (float[] row : w) {
                for (int i = 0; i < in; i++) {
                    row[i] = (float) ((2 * (init.nextUniform()) - 1) * a);
                }
            }
            layers.add(new LayerWeights(w, new float[out]));
        }
        return layers;
    }

    /**
     * A stack starting from {@code start.get(k)} for head k, with head k's dropout spec. Dropout
     * kinds must be stackable ({@link StackKey}): concrete and variational heads are stacked only
     * with heads of the same kind and the same dropout sites.
     */
    static StackedNetwork create(NDManager manager, HeadSpec spec, List<List<LayerWeights>> start, List<DropoutSpec> dropouts) {
        int heads = start.size();
        int layers = start.get(0).size();
        List<NDArray> ws = new ArrayList<>();
        List<NDArray> bs = new ArrayList<>();
        List<StackSite> sites = new ArrayList<>();
        List<VariationalDense> vd = new ArrayList<>();
        boolean isVariational = dropouts.get(0).kind() == DropoutSpec.Kind.VARIATIONAL;
        for (int l = 0; l < layers; l++) {
            int out = start.get(0).get(l).out();
            int in = start.get(0).get(l).in();
            float[] w = new float[heads * out * in];
            float[] b = new float[heads * out];
            for (int k = 0; k < heads; k++) {
                LayerWeights lw = start.get(k).get(l);
                System.arraycopy(lw.flatW(), 0, w, k * out * in, out * in);
                System.arraycopy(lw.b(), 0, b, k * out, out);
            }
            NDArray wa = engineOwned(manager.create(w, new Shape(heads, out, in)));
            NDArray ba = engineOwned(manager.create(b, new Shape(heads, 1, out)));
            wa.setRequiresGradient(true);
            ba.setRequiresGradient(true);
            ws.add(wa);
            bs.add(ba);
            sites.add(StackSite.of(manager, dropouts, l));
            if (isVariational) {
                double[] thresholds = dropouts.stream().mapToDouble(DropoutSpec::pruneThreshold).toArray();
                vd.add(new VariationalDense(manager, out, in, -10.0, thresholds));
            }
        }
        return new StackedNetwork(spec, heads, ws, bs, sites, vd);
    }

    /**
     * A stack of the heads {@code keep} of this one (positions, ascending), parameters copied into
     * new arrays of {@code manager}: what remains when other heads have stopped. This stack's
     * arrays are left as they are.
     */
    StackedNetwork select(NDManager manager, int[] keep) {
        try (NDArray index = manager.create(java.util.Arrays.stream(keep).asLongStream().toArray())) {
            List<NDArray> ws = new ArrayList<>();
            List<NDArray> bs = new ArrayList<>();
            for (int l = 0; l < weights.size(); l++) {
                ws.add(gather(weights.get(l), index));
                bs.add(gather(biases.get(l), index));
            }
            List<StackSite> ss = new ArrayList<>();
            for (StackSite site : sites) {
                ss.add(site.select(keep, index));
            }
            List<VariationalDense> vd = new ArrayList<>();
            for (VariationalDense v : variational) {
                vd.add(v.select(keep, index));
            }
            return new StackedNetwork(spec, keep.length, ws, bs, ss, vd);
        }
    }

    /** Rows {@code index} of {@code a} along the head axis, as a new trainable leaf (engine-allocated). */
    static NDArray gather(NDArray a, NDArray index) {
        NDArray g = a.get(new NDIndex("{}", index));
        g.setRequiresGradient(true);
        return g;
    }

    /**
     * A copy of {@code a} in memory allocated by the engine, closing {@code a}. Arrays made from Java
     * data wrap Java-allocated buffers whose alignment changes from run to run, and MKL's sgemm
     * (inside libtorch, no reproducibility mode set) may pick kernels by alignment, so a product
     * reading such memory can round differently between runs. Rare run-to-run differences in
     * trained heads (about 1 run in 7 on the SpamAssassin benchmark) went away with this copy, as
     * they did with {@code MKL_CBWR=AVX2,STRICT}. Engine-allocated memory is 64-byte aligned; values
     * are copied exactly.
     */
    static NDArray engineOwned(NDArray a) {
        NDArray copy = a.duplicate();
        a.close();
        return copy;
    }

    /** Number of heads K. */
    public int size() {
        return heads;
    }

    public HeadSpec spec() {
        return spec;
    }

    /** Logits {@code [K, N, C]} for the shared features {@code x [N, d]}; dropout and weight noise only when training. */
    NDArray forward(NDArray x, boolean training, NoiseSource[] noises) {
        NDArray h = x;
        for (int l = 0; l < weights.size(); l++) {
            h = sites.get(l).apply(h, training, noises);
            NDArray w = weights.get(l);
            if (variational.isEmpty()) {
                h = linear(h, w, biases.get(l));
            } else if (training) {
                VariationalDense v = variational.get(l);
                NDArray mu = linear(h, w, biases.get(l));
                NDArray var = linear(h.square(), v.logSigma2().exp(), null);
                h = v.sample(mu, var, noises);
            } else {
                h = linear(h, variational.get(l).inferenceWeight(w), biases.get(l));
            }
            if (l + 1 < weights.size()) {
                h = spec.activation().apply(h);
            }
        }
        return h;
    }

    /**
     * {@code h·Wᵀ + b} for every head: {@code h} is the shared batch {@code [B, in]} or per-head
     * inputs {@code [K, B, in]}; {@code w [K, out, in]}, {@code b [K, 1, out]} or null; the result is {@code [K, B, out]}.
     */
    private NDArray linear(NDArray h, NDArray w, NDArray b) {
        long out = w.getShape().get(1);
        long in = w.getShape().get(2);
        if (h.getShape().dimension() == 3 && heads > 1) {
            NDArray y = h.matMul(w.transpose(0, 2, 1));
            return b == null ? y : y.add(b);
        }
        // The shared batch against all heads' weights in one GEMM, [B, in]·[in, K·out]; with K = 1
        // also a head's own input, so a stack of one runs the single-head trainer's 2-D products.
        long rows = h.getShape().get(h.getShape().dimension() - 2);
        NDArray flat = h.getShape().dimension() == 3 ? h.reshape(rows, in) : h;
        NDArray y = flat.matMul(w.reshape(heads * out, in).transpose());
        if (b != null) {
            y = y.add(b.reshape(heads * out));
        }
        return heads == 1 ? y.reshape(1, rows, out) : y.reshape(rows, heads, out).transpose(1, 0, 2);
    }

    /** Per-layer weights {@code [K, out, in]}. */
    List<NDArray> weights() {
        return Collections.unmodifiableList(weights);
    }

    /** Per-layer biases {@code [K, 1, out]}. */
    List<NDArray> biases() {
        return Collections.unmodifiableList(biases);
    }

    List<StackSite> sites() {
        return Collections.unmodifiableList(sites);
    }

    List<VariationalDense> variationalLayers() {
        return Collections.unmodifiableList(variational);
    }

    /** Every array a gradient step updates, each with the head as leading axis: weights, biases, learned dropout logits, log σ². */
    List<NDArray> trainable() {
        List<NDArray> all = new ArrayList<>(weights);
        all.addAll(biases);
        for (StackSite s : sites) {
            all.addAll(s.parameters());
        }
        for (VariationalDense v : variational) {
            all.add(v.logSigma2());
        }
        return all;
    }

    /** Every trainable array copied to Java, all heads. */
    List<float[]> snapshot() {
        return trainable().stream().map(NDArray::toFloatArray).toList();
    }

    /** Head {@code k}'s part of a {@link #snapshot()}. */
    List<float[]> headPart(List<float[]> snapshot, int k) {
        List<float[]> out = new ArrayList<>();
        for (float[] all : snapshot) {
            int n = all.length / heads;
            out.add(java.util.Arrays.copyOfRange(all, k * n, (k + 1) * n));
        }
        return out;
    }

    /** Writes back, in place, the parts of the heads whose entry in {@code perHead} is not null. */
    void restore(List<List<float[]>> perHead) {
        if (perHead.stream().allMatch(java.util.Objects::isNull)) {
            return;
        }
        List<NDArray> t = trainable();
        List<float[]> current = perHead.stream().allMatch(java.util.Objects::nonNull) ? null : snapshot();
        for (int i = 0; i < t.size(); i++) {
            NDArray p = t.get(i);
            float[] all = current == null ? new float[Math.toIntExact(p.size())] : current.get(i);
            int n = all.length / heads;
            for (int k = 0; k < heads; k++) {
                if (perHead.get(k) != null) {
                    System.arraycopy(perHead.get(k).get(i), 0, all, k * n, n);
                }
            }
            // An indexed assignment, not NDArray.set(float[]): that one makes libtorch print a deprecation
            // warning (AutoNonVariableTypeMode) on stderr. Same bytes either way.
            try (NDArray saved = p.getManager().create(all, p.getShape())) {
                p.set(new NDIndex(":"), saved);
            }
        }
    }

    /** The weights used at inference for every head, as Java arrays: variational layers have pruned weights set to zero. */
    List<List<LayerWeights>> inferenceWeights() {
        List<List<LayerWeights>> out = new ArrayList<>();
        for (int k = 0; k < heads; k++) {
            out.add(new ArrayList<>());
        }
        for (int l = 0; l < weights.size(); l++) {
            NDArray w = weights.get(l);
            int o = (int) w.getShape().get(1);
            int in = (int) w.getShape().get(2);
            float[] flat = variational.isEmpty() ? w.toFloatArray() : variational.get(l).inferenceWeight(w).toFloatArray();
            float[] b = biases.get(l).toFloatArray();
            for (int k = 0; k < heads; k++) {
                out.get(k).add(LayerWeights.ofFlat(java.util.Arrays.copyOfRange(flat, k * o * in, (k + 1) * o * in), o, in,
                        java.util.Arrays.copyOfRange(b, k * o, (k + 1) * o)));
            }
        }
        return out;
    }

    /**
     * Per head and layer, the L2 norm of the inference weights (bias excluded) and the number of
     * them that are exactly zero: {@code [K][layers]} each, computed without copying per head.
     */
    WeightStats weightStats() {
        double[][] norms = new double[heads][weights.size()];
        long[] zeros = new long[heads];
        long total = 0;
        for (int l = 0; l < weights.size(); l++) {
            NDArray w = weights.get(l);
            float[] flat = variational.isEmpty() ? w.toFloatArray() : variational.get(l).inferenceWeight(w).toFloatArray();
            int n = flat.length / heads;
            total += n;
            for (int k = 0; k < heads; k++) {
                double s = 0;
                long z = 0;
                for (int i = k * n; i < (k + 1) * n; i++) {
                    float v = flat[i];
                    s += (double) v * v;
                    if (v == 0f) {
                        z++;
                    }
                }
                norms[k][l] = Math.sqrt(s);
                zeros[k] += z;
            }
        }
        double[] zeroFraction = new double[heads];
        for (int k = 0; k < heads; k++) {
            zeroFraction[k] = (double) zeros[k] / total;
        }
        return new WeightStats(norms, zeroFraction);
    }

    /** Weight norms per head and layer, and the fraction of zero weights per head. */
    record WeightStats(double[][] norms, double[] zeroFraction) {}

    /** Current rate of each dropout site per head: {@code [K][sites]}, site 0 = input. */
    double[][] dropoutRates() {
        double[][] out = new double[heads][sites.size()];
        for (int s = 0; s < sites.size(); s++) {
            double[] r = sites.get(s).rates();
            for (int k = 0; k < heads; k++) {
                out[k][s] = r[k];
            }
        }
        return out;
    }

    /** Fraction of each head's weights pruned by variational dropout (0 without it). */
    double[] prunedFractions() {
        double[] out = new double[heads];
        if (variational.isEmpty()) {
            return out;
        }
        long total = 0;
        for (int l = 0; l < weights.size(); l++) {
            long[] c = variational.get(l).prunedCounts(weights.get(l));
            for (int k = 0; k < heads; k++) {
                out[k] += c[k];
            }
            total += weights.get(l).size() / heads;
        }
        for (int k = 0; k < heads; k++) {
            out[k] /= total;
        }
        return out;
    }

    /** A read-only view of head {@code k}. */
    public HeadNetwork head(int k) {
        java.util.Objects.checkIndex(k, heads);
        StackedNetwork net = this;
        return new HeadNetwork() {
            @Override
            public HeadSpec spec() {
                return spec;
            }

            @Override
            public List<LayerWeights> inferenceWeights() {
                return net.inferenceWeights().get(k);
            }

            @Override
            public double[] dropoutRates() {
                return net.dropoutRates()[k];
            }

            @Override
            public double prunedFraction() {
                return net.prunedFractions()[k];
            }
        };
    }
}
