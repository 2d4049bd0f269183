package dev.regula.transfer.head;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.regula.transfer.regularize.ConcreteDropout;
import dev.regula.transfer.regularize.DropoutLayer;
import dev.regula.transfer.regularize.DropoutSpec;
import dev.regula.transfer.regularize.GraphScalars;
import dev.regula.transfer.regularize.NoiseSource;
import dev.regula.transfer.regularize.VariationalDense;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A head's trainable state on DJL arrays: dense layers {@code y = x·Wᵀ + b} with the dropout
 * sites in front of each layer (site 0 on the input features, site i after hidden layer i), or
 * {@link VariationalDense} noise on every layer. All arrays belong to the manager it was built
 * with; the forward pass creates its temporaries in the input's manager.
 */
public final class HeadNetwork {
    private final HeadSpec spec;
    private final List<NDArray> weights;
    private final List<NDArray> biases;
    private final List<DropoutLayer> sites;
    private final List<VariationalDense> variational;

    private HeadNetwork(HeadSpec spec, List<NDArray> weights, List<NDArray> biases, List<DropoutLayer> sites,
            List<VariationalDense> variational) {
        this.spec = spec;
        this.weights = weights;
        this.biases = biases;
        this.sites = sites;
        this.variational = variational;
    }

    /**
     * Creates a network with Glorot-uniform weights drawn from {@code init} (Java side, so the
     * start point depends on the seed only) and zero biases.
     */
    public static HeadNetwork create(NDManager manager, HeadSpec spec, int inputDim, int classes, DropoutSpec dropout,
            NoiseSource init) {
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
        return fromWeights(manager, spec, layers, dropout);
    }

    /** Creates a network starting from given weights. */
    public static HeadNetwork fromWeights(NDManager manager, HeadSpec spec, List<LayerWeights> layers, DropoutSpec dropout) {
        List<NDArray> ws = new ArrayList<>();
        List<NDArray> bs = new ArrayList<>();
        List<DropoutLayer> sites = new ArrayList<>();
        List<VariationalDense> vd = new ArrayList<>();
        for (int l = 0; l < layers.size(); l++) {
            LayerWeights lw = layers.get(l);
            NDArray w = engineOwned(manager.create(lw.flatW(), new Shape(lw.out(), lw.in())));
            NDArray b = engineOwned(manager.create(lw.b()));
            w.setRequiresGradient(true);
            b.setRequiresGradient(true);
            ws.add(w);
            bs.add(b);
            sites.add(dropout.site(manager, l == 0 ? dropout.inputRate() : dropout.rate()));
            if (dropout.kind() == DropoutSpec.Kind.VARIATIONAL) {
                vd.add(new VariationalDense(manager, lw.out(), lw.in(), -10.0, dropout.pruneThreshold()));
            }
        }
        return new HeadNetwork(spec, ws, bs, sites, vd);
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
    public static NDArray engineOwned(NDArray a) {
        NDArray copy = a.duplicate();
        a.close();
        return copy;
    }

    /** Logits {@code [N, C]} for features {@code x [N, d]}; dropout and weight noise only when training. */
    public NDArray forward(NDArray x, boolean training, NoiseSource noise) {
        NDArray h = x;
        for (int l = 0; l < weights.size(); l++) {
            h = sites.get(l).apply(h, training, noise);
            h = variational.isEmpty()
                    ? h.matMul(weights.get(l).transpose()).add(biases.get(l))
                    : variational.get(l).forward(h, weights.get(l), biases.get(l), training, noise);
            if (l + 1 < weights.size()) {
                h = spec.activation().apply(h);
            }
        }
        return h;
    }

    /** Whether {@link #adaptiveRegularizer} has any term (concrete or variational dropout); when not, it is zero. */
    public boolean hasAdaptiveRegularizer() {
        return !variational.isEmpty() || sites.stream().anyMatch(s -> s instanceof ConcreteDropout);
    }

    /**
     * Loss terms owned by the adaptive dropouts: the concrete-dropout regularizers plus
     * {@code klWeight · KL / nTrain} of variational dropout (the ELBO per training example).
     */
    public NDArray adaptiveRegularizer(NDManager manager, double klWeight, int nTrain) {
        NDArray total = manager.create(0f).toDevice(weights.get(0).getDevice(), false);
        for (int l = 0; l < weights.size(); l++) {
            if (sites.get(l) instanceof ConcreteDropout c) {
                total = total.add(c.regularizer(weights.get(l)));
            }
            if (!variational.isEmpty()) {
                NDArray kl = variational.get(l).kl(weights.get(l));
                total = total.add(kl.mul(GraphScalars.of(kl, klWeight / nTrain)));
            }
        }
        return total;
    }

    public List<NDArray> weights() {
        return Collections.unmodifiableList(weights);
    }

    public List<NDArray> biases() {
        return Collections.unmodifiableList(biases);
    }

    public List<DropoutLayer> dropoutSites() {
        return Collections.unmodifiableList(sites);
    }

    public List<VariationalDense> variationalLayers() {
        return Collections.unmodifiableList(variational);
    }

    /** Every array a gradient step updates: weights, biases, learned dropout logits, log σ². */
    public List<NDArray> trainable() {
        List<NDArray> all = new ArrayList<>(weights);
        all.addAll(biases);
        for (DropoutLayer s : sites) {
            all.addAll(s.parameters());
        }
        for (VariationalDense v : variational) {
            all.add(v.logSigma2());
        }
        return all;
    }

    /** Copies every trainable array to Java, for restoring later with {@link #restore}. */
    public List<float[]> snapshot() {
        return trainable().stream().map(NDArray::toFloatArray).toList();
    }

    /** Writes back a {@link #snapshot()} in place. */
    public void restore(List<float[]> snapshot) {
        List<NDArray> t = trainable();
        for (int i = 0; i < t.size(); i++) {
            NDArray p = t.get(i);
            if (p.getShape().dimension() == 0) {
                p.set(snapshot.get(i));
                continue;
            }
            // An indexed assignment, not NDArray.set(float[]): that one makes libtorch print a deprecation
            // warning (AutoNonVariableTypeMode) on stderr. Same bytes either way.
            try (NDArray saved = p.getManager().create(snapshot.get(i), p.getShape())) {
                p.set(new NDIndex(":"), saved);
            }
        }
    }

    /** The weights used at inference, as Java arrays: variational layers have pruned weights set to zero. */
    public List<LayerWeights> inferenceWeights() {
        List<LayerWeights> out = new ArrayList<>();
        for (int l = 0; l < weights.size(); l++) {
            NDArray w = weights.get(l);
            float[] flat = variational.isEmpty() ? w.toFloatArray() : variational.get(l).inferenceWeight(w).toFloatArray();
            out.add(LayerWeights.ofFlat(flat, (int) w.getShape().get(0), (int) w.getShape().get(1), biases.get(l).toFloatArray()));
        }
        return out;
    }

    /** Current rate of each dropout site (learned ones included), site 0 = input. */
    public double[] dropoutRates() {
        return sites.stream().mapToDouble(DropoutLayer::rate).toArray();
    }

    /** Fraction of weights pruned by variational dropout (0 without it). */
    public double prunedFraction() {
        if (variational.isEmpty()) {
            return 0;
        }
        double pruned = 0;
        long total = 0;
        for (int l = 0; l < weights.size(); l++) {
            long n = weights.get(l).size();
            pruned += variational.get(l).prunedFraction(weights.get(l)) * n;
            total += n;
        }
        return pruned / total;
    }

    public HeadSpec spec() {
        return spec;
    }
}
