package dev.regula.transfer.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;

/**
 * The gradient part of an optimizer step, done in place on DJL arrays. Decay and constraints are
 * applied by the trainer afterwards, outside the gradient. State arrays live in the run's manager.
 *
 * <p>Written for a small per-step cost: the constant scalars (β, 1−β, ε, μ) are made once per run
 * and the step-dependent ones once per step, because DJL turns every {@code op(Number)} into a
 * fresh native scalar (a direct buffer and two more native calls); intermediate results are
 * updated in place and closed as soon as they are used, so large temporaries are few and their
 * memory is reused. The arithmetic is the same sequence of float32 operations as the formulas in
 * the class comments written with {@code op(Number)}, so the results are the same bit for bit.
 */
abstract class ParameterUpdater {
    /**
     * One step over every parameter: {@code grads.get(i)} is the gradient of {@code params.get(i)}.
     * The gradients are used as scratch space: their contents are undefined afterwards (the trainer
     * zeroes them before the next backward pass).
     */
    abstract void update(List<NDArray> params, List<NDArray> grads, double lr);

    /** State arrays, kept alive across batches by the trainer. */
    abstract List<NDArray> state();

    static ParameterUpdater of(TrainingSpec spec, NDManager run, List<NDArray> params) {
        if (params.isEmpty()) {
            throw new IllegalArgumentException("no parameters to update");
        }
        return spec.optimizer() == TrainingSpec.Optimizer.SGD
                ? new Sgd(run, params, spec.momentum())
                : new Adam(run, params, spec.beta1(), spec.beta2(), spec.adamEpsilon());
    }

    /** A float32 scalar array on {@code like}'s device, made by {@code manager}. */
    static NDArray scalar(NDManager manager, NDArray like, double value) {
        return manager.create((float) value).toDevice(like.getDevice(), false);
    }

    /** SGD with heavy-ball momentum: {@code v ← μv + g; w ← w − lr·v}. */
    static final class Sgd extends ParameterUpdater {
        private final List<NDArray> velocity = new ArrayList<>();
        private final NDArray momentum;

        Sgd(NDManager run, List<NDArray> params, double momentum) {
            for (NDArray p : params) {
                velocity.add(run.zeros(p.getShape(), p.getDataType(), p.getDevice()));
            }
            this.momentum = scalar(run, params.get(0), momentum);
        }

        @Override
        void update(List<NDArray> params, List<NDArray> grads, double lr) {
            NDArray p0 = params.get(0);
            try (NDArray rate = scalar(p0.getManager(), p0, lr)) {
                for (int i = 0; i < params.size(); i++) {
                    NDArray v = velocity.get(i);
                    v.muli(momentum).addi(grads.get(i));
                    try (NDArray delta = v.mul(rate)) {
                        params.get(i).subi(delta);
                    }
                }
            }
        }

        @Override
        List<NDArray> state() {
            List<NDArray> all = new ArrayList<>(velocity);
            all.add(momentum);
            return all;
        }
    }

    /**
     * Adam (Kingma &amp; Ba 2015) with bias correction:
     * {@code m ← β1·m + (1−β1)·g; v ← β2·v + (1−β2)·g²; w ← w − (lr/c1)·m / (√(v/c2) + ε)},
     * {@code c_k = 1 − β_k^t}.
     */
    static final class Adam extends ParameterUpdater {
        private final List<NDArray> m = new ArrayList<>();
        private final List<NDArray> v = new ArrayList<>();
        private final List<NDArray> constants = new ArrayList<>();
        private long t;
        private final double b1;
        private final double b2;
        private final NDArray beta1;
        private final NDArray beta2;
        private final NDArray oneMinusBeta1;
        private final NDArray oneMinusBeta2;
        private final NDArray eps;

        Adam(NDManager run, List<NDArray> params, double b1, double b2, double eps) {
            this.b1 = b1;
            this.b2 = b2;
            for (NDArray p : params) {
                m.add(run.zeros(p.getShape(), p.getDataType(), p.getDevice()));
                v.add(run.zeros(p.getShape(), p.getDataType(), p.getDevice()));
            }
            NDArray like = params.get(0);
            beta1 = constant(run, like, b1);
            beta2 = constant(run, like, b2);
            oneMinusBeta1 = constant(run, like, 1 - b1);
            oneMinusBeta2 = constant(run, like, 1 - b2);
            this.eps = constant(run, like, eps);
        }

        private NDArray constant(NDManager run, NDArray like, double value) {
            NDArray a = scalar(run, like, value);
            constants.add(a);
            return a;
        }

        @Override
        void update(List<NDArray> params, List<NDArray> grads, double lr) {
            t++;
            double c1 = 1 - Math.pow(b1, t);
            double c2 = 1 - Math.pow(b2, t);
            NDArray p0 = params.get(0);
            try (NDArray c2a = scalar(p0.getManager(), p0, c2);
                    NDArray rate = scalar(p0.getManager(), p0, lr / c1)) {
                for (int i = 0; i < params.size(); i++) {
                    NDArray g = grads.get(i);
                    NDArray mi = m.get(i);
                    NDArray vi = v.get(i);
                    try (NDArray g2 = g.square()) {
                        vi.muli(beta2).addi(g2.muli(oneMinusBeta2));
                    }
                    mi.muli(beta1).addi(g.muli(oneMinusBeta1));
                    try (NDArray scaled = vi.div(c2a);
                            NDArray denom = scaled.sqrt();
                            NDArray ratio = mi.div(denom.addi(eps))) {
                        params.get(i).subi(ratio.muli(rate));
                    }
                }
            }
        }

        @Override
        List<NDArray> state() {
            List<NDArray> all = new ArrayList<>(m);
            all.addAll(v);
            all.addAll(constants);
            return all;
        }
    }
}
