package dev.regula.transfer.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.regula.transfer.features.FeatureMatrix;
import dev.regula.transfer.head.LayerWeights;
import dev.regula.transfer.regularize.ConcreteDropout;
import dev.regula.transfer.regularize.ElasticNetPenalty;
import dev.regula.transfer.regularize.HeadAxis;
import dev.regula.transfer.regularize.L1Penalty;
import dev.regula.transfer.regularize.L2Penalty;
import dev.regula.transfer.regularize.L2SpPenalty;
import dev.regula.transfer.regularize.L2SpSpec;
import dev.regula.transfer.regularize.NoiseSource;
import dev.regula.transfer.regularize.OnnxReferenceWeights;
import dev.regula.transfer.regularize.Penalty;
import dev.regula.transfer.regularize.RegularizationSpec;
import dev.regula.transfer.regularize.SmoothedCrossEntropy;
import dev.regula.transfer.regularize.VariationalDense;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The training objective of every head of a stack, one value per head: smoothed, class- and
 * row-weighted cross-entropy + penalties + adaptive-dropout terms. A penalty is built when any head
 * uses it; heads without it get strength 0, which adds an exact 0 to their loss and gradient.
 * Terms are added in the single-head trainer's order, so a stack of one computes what it did.
 */
final class StackLoss {
    private final StackedNetwork net;
    private final SmoothedCrossEntropy ce;
    private final List<Penalty> penalties;
    private final List<NDArray> references;
    private final double[] klPerRow;

    private StackLoss(StackedNetwork net, SmoothedCrossEntropy ce, List<Penalty> penalties, List<NDArray> references,
            double[] klPerRow) {
        this.net = net;
        this.ce = ce;
        this.penalties = penalties;
        this.references = references;
        this.klPerRow = klPerRow;
    }

    static StackLoss of(NDManager run, List<HeadJob> jobs, StackedNetwork net, FeatureMatrix train, int classes,
            List<List<LayerWeights>> start) {
        int heads = jobs.size();
        List<RegularizationSpec> regs = jobs.stream().map(HeadJob::regularization).toList();
        boolean includeBias = regs.get(0).includeBias();
        double[] eps = new double[heads];
        float[][] cw = new float[heads][];
        double[] l1 = new double[heads];
        double[] l2 = new double[heads];
        double[] alpha = new double[heads];
        double[] ratio = new double[heads];
        double[] sp = new double[heads];
        double[] kl = new double[heads];
        for (int k = 0; k < heads; k++) {
            RegularizationSpec reg = regs.get(k);
            eps[k] = reg.labelSmoothing();
            cw[k] = reg.classWeights() == null ? null : reg.classWeights().resolve(train.labels(), classes);
            l1[k] = reg.l1();
            l2[k] = reg.l2();
            if (reg.elasticNet() != null) {
                alpha[k] = reg.elasticNet().alpha();
                ratio[k] = reg.elasticNet().l1Ratio();
            }
            sp[k] = reg.l2Sp() == null ? 0 : reg.l2Sp().lambda();
            float[] rw = jobs.get(k).rowWeights();
            double rows = train.rows();
            if (rw != null) {
                rows = 0;
                for (float w : rw) {
                    rows += w;
                }
            }
            kl[k] = reg.dropout().klWeight() / rows;
        }
        List<Penalty> penalties = new ArrayList<>();
        if (any(l1)) {
            penalties.add(new L1Penalty(l1, includeBias));
        }
        if (any(l2)) {
            penalties.add(new L2Penalty(l2, includeBias));
        }
        if (any(alpha)) {
            penalties.add(new ElasticNetPenalty(alpha, ratio, includeBias));
        }
        List<NDArray> refs = new ArrayList<>();
        if (any(sp)) {
            L2SpPenalty p = l2Sp(run, regs, sp, net, start);
            penalties.add(p);
            refs.addAll(p.references());
        }
        return new StackLoss(net, new SmoothedCrossEntropy(eps, cw), penalties, refs, kl);
    }

    private static boolean any(double[] v) {
        return java.util.Arrays.stream(v).anyMatch(x -> x > 0);
    }

    /**
     * L2-SP references per layer {@code [K, out, in]}: a head's own start weights, or its ONNX
     * initializers. A layer is in the penalty when some head has a reference for it; heads without
     * one there are masked out of that layer's term.
     */
    private static L2SpPenalty l2Sp(NDManager run, List<RegularizationSpec> regs, double[] lambda, StackedNetwork net,
            List<List<LayerWeights>> start) {
        int heads = regs.size();
        List<NDArray> ws = net.weights();
        List<NDArray> w0 = new ArrayList<>();
        List<double[]> include = new ArrayList<>();
        java.util.Map<String, OnnxReferenceWeights> files = new java.util.HashMap<>();
        for (int l = 0; l < ws.size(); l++) {
            NDArray w = ws.get(l);
            int out = (int) w.getShape().get(1);
            int in = (int) w.getShape().get(2);
            float[] ref = new float[heads * out * in];
            double[] inc = new double[heads];
            boolean any = false;
            for (int k = 0; k < heads; k++) {
                L2SpSpec spec = regs.get(k).l2Sp();
                float[] part = null;
                if (spec == null || spec.model() == null) {
                    part = start.get(k).get(l).flatW();
                } else {
                    if (spec.initializers().size() > ws.size()) {
                        throw new IllegalArgumentException("l2_sp.initializers names " + spec.initializers().size()
                                + " layers, the head has " + ws.size());
                    }
                    String name = l < spec.initializers().size() ? spec.initializers().get(l) : null;
                    if (name != null) {
                        OnnxReferenceWeights onnx = files.computeIfAbsent(spec.model(), m -> OnnxReferenceWeights.open(Path.of(m)));
                        part = onnx.matrix(name, out, in, spec.transposed());
                    }
                }
                if (part != null) {
                    System.arraycopy(part, 0, ref, k * out * in, out * in);
                    inc[k] = 1;
                    any = true;
                }
            }
            if (!any) {
                w0.add(null);
                include.add(null);
                continue;
            }
            w0.add(run.create(ref, w.getShape()).toDevice(w.getDevice(), false));
            include.add(java.util.Arrays.stream(inc).allMatch(v -> v == 1) ? null : inc);
        }
        return new L2SpPenalty(lambda, w0, include);
    }

    /** Reference arrays that must stay alive across batches. */
    List<NDArray> references() {
        return references;
    }

    /**
     * The objective of one batch per head, {@code [K]}.
     *
     * @param rowWeights per head, the batch rows' weights, or null when no head has row weights
     */
    NDArray total(NDArray x, int[] y, float[][] rowWeights, NoiseSource[] noise) {
        NDArray total = ce.loss(net.forward(x, true, noise), y, rowWeights);
        for (Penalty p : penalties) {
            total = total.add(p.value(net.weights(), net.biases()));
        }
        return hasAdaptive() ? total.add(adaptive()) : total;
    }

    private boolean hasAdaptive() {
        return !net.variationalLayers().isEmpty() || net.sites().stream().anyMatch(s -> s.concrete() != null);
    }

    /**
     * Loss terms owned by the adaptive dropouts: the concrete-dropout regularizers plus
     * {@code klWeight · KL / nTrain} of variational dropout (the ELBO per training example; with
     * row weights nTrain is the head's total weight, the size of its bag).
     */
    private NDArray adaptive() {
        List<NDArray> ws = net.weights();
        NDArray total = HeadAxis.vector(ws.get(0), new double[net.size()]);
        for (int l = 0; l < ws.size(); l++) {
            ConcreteDropout c = net.sites().get(l).concrete();
            if (c != null) {
                total = total.add(c.regularizer(ws.get(l)));
            }
            if (!net.variationalLayers().isEmpty()) {
                VariationalDense v = net.variationalLayers().get(l);
                NDArray kl = v.kl(ws.get(l));
                total = total.add(kl.mul(HeadAxis.vector(kl, klPerRow)));
            }
        }
        return total;
    }
}
