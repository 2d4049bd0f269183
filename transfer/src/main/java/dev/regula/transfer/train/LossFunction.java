package dev.regula.transfer.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.regula.transfer.features.FeatureMatrix;
import dev.regula.transfer.head.HeadNetwork;
import dev.regula.transfer.regularize.ElasticNetPenalty;
import dev.regula.transfer.regularize.L1Penalty;
import dev.regula.transfer.regularize.L2Penalty;
import dev.regula.transfer.regularize.L2SpPenalty;
import dev.regula.transfer.regularize.L2SpSpec;
import dev.regula.transfer.regularize.NoiseSource;
import dev.regula.transfer.regularize.OnnxReferenceWeights;
import dev.regula.transfer.regularize.Penalty;
import dev.regula.transfer.regularize.RegularizationSpec;
import dev.regula.transfer.regularize.SmoothedCrossEntropy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The training objective: smoothed, class-weighted cross-entropy + penalties + adaptive-dropout terms. */
final class LossFunction {
    private final HeadNetwork net;
    private final SmoothedCrossEntropy ce;
    private final List<Penalty> penalties;
    private final List<NDArray> references;
    private final double klWeight;
    private final int nTrain;

    private LossFunction(HeadNetwork net, SmoothedCrossEntropy ce, List<Penalty> penalties, List<NDArray> references,
            double klWeight, int nTrain) {
        this.net = net;
        this.ce = ce;
        this.penalties = penalties;
        this.references = references;
        this.klWeight = klWeight;
        this.nTrain = nTrain;
    }

    static LossFunction of(NDManager run, RegularizationSpec reg, HeadNetwork net, FeatureMatrix train, int classes) {
        float[] cw = reg.classWeights() == null ? null : reg.classWeights().resolve(train.labels(), classes);
        List<Penalty> penalties = new ArrayList<>();
        if (reg.l1() > 0) {
            penalties.add(new L1Penalty(reg.l1(), reg.includeBias()));
        }
        if (reg.l2() > 0) {
            penalties.add(new L2Penalty(reg.l2(), reg.includeBias()));
        }
        if (reg.elasticNet() != null && reg.elasticNet().alpha() > 0) {
            penalties.add(new ElasticNetPenalty(reg.elasticNet().alpha(), reg.elasticNet().l1Ratio(), reg.includeBias()));
        }
        List<NDArray> refs = new ArrayList<>();
        if (reg.l2Sp() != null && reg.l2Sp().lambda() > 0) {
            L2SpPenalty sp = new L2SpPenalty(reg.l2Sp().lambda(), references(run, reg.l2Sp(), net));
            penalties.add(sp);
            refs.addAll(sp.references());
        }
        return new LossFunction(net, new SmoothedCrossEntropy(reg.labelSmoothing(), cw), penalties, refs,
                reg.dropout().klWeight(), train.rows());
    }

    private static List<NDArray> references(NDManager run, L2SpSpec spec, HeadNetwork net) {
        List<NDArray> w0 = new ArrayList<>();
        List<NDArray> ws = net.weights();
        OnnxReferenceWeights onnx = spec.model() == null ? null : OnnxReferenceWeights.open(Path.of(spec.model()));
        if (onnx != null && spec.initializers().size() > ws.size()) {
            throw new IllegalArgumentException("l2_sp.initializers names " + spec.initializers().size()
                    + " layers, the head has " + ws.size());
        }
        for (int l = 0; l < ws.size(); l++) {
            NDArray w = ws.get(l);
            if (onnx == null) {
                w0.add(run.create(w.toFloatArray(), w.getShape()).toDevice(w.getDevice(), false));
                continue;
            }
            String name = l < spec.initializers().size() ? spec.initializers().get(l) : null;
            if (name == null) {
                w0.add(null);
                continue;
            }
            int out = (int) w.getShape().get(0);
            int in = (int) w.getShape().get(1);
            w0.add(run.create(onnx.matrix(name, out, in, spec.transposed()), w.getShape()).toDevice(w.getDevice(), false));
        }
        return w0;
    }

    /** Reference arrays that must stay alive across batches. */
    List<NDArray> references() {
        return references;
    }

    /** The scalar objective for one batch: data term + penalties + adaptive-dropout terms. */
    NDArray total(NDManager batch, NDArray x, int[] y, NoiseSource noise) {
        NDArray total = ce.loss(net.forward(x, true, noise), y);
        for (Penalty p : penalties) {
            total = total.add(p.value(net.weights(), net.biases()));
        }
        // Without adaptive dropout the term is an exact zero; skipping it saves three array ops per step.
        return net.hasAdaptiveRegularizer() ? total.add(net.adaptiveRegularizer(batch, klWeight, nTrain)) : total;
    }
}
