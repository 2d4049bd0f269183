package dev.regula.transfer.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.regula.transfer.regularize.HeadAxis;
import java.util.ArrayList;
import java.util.List;

/**
 * The gradient part of an optimizer step for a stack of K heads, done in place on DJL arrays whose
 * leading axis is the head. Each head has its own state (it is its block of each state array),
 * learning rate and step count; the per-head step values are columns {@code [K, 1, 1]}. A head
 * that sits a step out gets rate 0, so its parameters do not move (its moments still see the
 * step's gradient, which is zero for it). Decay and constraints are applied by the trainer
 * afterwards, outside the gradient. State arrays live in the run's manager.
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
     * The gradients are used as scratch space and left zero (as {@code g − g} leaves a finite gradient),
     * ready for the next backward pass to accumulate into.
     */
    abstract void update(List<NDArray> params, List<NDArray> grads, double[] lr, boolean[] active);

    /** State arrays, kept alive across batches by the trainer. */
    abstract List<NDArray> state();

    /**
     * The updater of the heads {@code keep} (positions), their state copied into new arrays made by
     * {@code index}'s manager ({@code index}: {@code keep} as int64): it continues each head's
     * optimisation exactly where this one left it.
     */
    abstract ParameterUpdater select(int[] keep, NDArray index);

    /** The per-head state arrays (not the shared constants), for freeing when a smaller stack takes over. */
    abstract List<NDArray> headState();

    private static List<NDArray> gather(List<NDArray> arrays, NDArray index) {
        List<NDArray> out = new ArrayList<>();
        for (NDArray a : arrays) {
            out.add(a.get(new ai.djl.ndarray.index.NDIndex("{}", index)));
        }
        return out;
    }

    /** The updater of one head's parameters. */
    static ParameterUpdater of(TrainingSpec spec, NDManager run, List<NDArray> params) {
        return of(spec, run, params, 1);
    }

    /** The updater of a stack's parameters, each {@code [heads, ...]}. */
    static ParameterUpdater of(TrainingSpec spec, NDManager run, List<NDArray> params, int heads) {
        if (params.isEmpty()) {
            throw new IllegalArgumentException("no parameters to update");
        }
        return spec.optimizer() == TrainingSpec.Optimizer.SGD
                ? new Sgd(run, params, spec.momentum())
                : new Adam(run, params, spec.beta1(), spec.beta2(), spec.adamEpsilon(), heads, true);
    }

    /** A float32 scalar array on {@code like}'s device, made by {@code manager}. */
    static NDArray scalar(NDManager manager, NDArray like, double value) {
        return manager.create((float) value).toDevice(like.getDevice(), false);
    }

    /** Per-head values as a column {@code [K, 1, 1]} made in {@code like}'s manager. */
    static NDArray column(NDArray like, double[] values) {
        return HeadAxis.column(like, values);
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

        private Sgd(List<NDArray> velocity, NDArray momentum) {
            this.velocity.addAll(velocity);
            this.momentum = momentum;
        }

        @Override
        ParameterUpdater select(int[] keep, NDArray index) {
            return new Sgd(gather(velocity, index), momentum);
        }

        @Override
        List<NDArray> headState() {
            return velocity;
        }

        @Override
        void update(List<NDArray> params, List<NDArray> grads, double[] lr, boolean[] active) {
            NDArray p0 = params.get(0);
            double[] r = new double[lr.length];
            for (int k = 0; k < r.length; k++) {
                r[k] = active[k] ? lr[k] : 0;
            }
            try (NDArray rate = column(p0, r)) {
                for (int i = 0; i < params.size(); i++) {
                    NDArray v = velocity.get(i);
                    v.muli(momentum).addi(grads.get(i));
                    try (NDArray delta = v.mul(rate)) {
                        params.get(i).subi(delta);
                    }
                    grads.get(i).subi(grads.get(i));
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
        private final long[] t;
        private final double b1;
        private final double b2;
        private final NDArray beta1;
        private final NDArray beta2;
        private final NDArray oneMinusBeta1;
        private final NDArray oneMinusBeta2;
        private final NDArray eps;
        private final double epsValue;
        /** Makes the fused form's scratch arrays: the manager the moments were made in (the run's). */
        private final NDManager home;
        private final boolean tensorOnly;
        /** The fused form and its scratch arrays (one per parameter), once {@link #decided} and allowed. */
        private FusedAdam fused;
        private final List<NDArray> scratch = new ArrayList<>();
        private boolean decided;
        /** Whether the fused form zeroes the gradients as it reads them (their buffers write through). */
        private boolean zeroesGradients;

        /**
         * @param allowFused whether the step may run as {@link FusedAdam} where the arrays allow it (same
         *        results bit for bit); false keeps the libtorch form, which tests compare against
         */
        Adam(NDManager run, List<NDArray> params, double b1, double b2, double eps, int heads, boolean allowFused) {
            this.b1 = b1;
            this.b2 = b2;
            this.epsValue = eps;
            this.home = run;
            this.tensorOnly = !allowFused;
            this.t = new long[heads];
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

        private Adam(Adam from, NDManager home, List<NDArray> m, List<NDArray> v, long[] t) {
            this.b1 = from.b1;
            this.b2 = from.b2;
            this.epsValue = from.epsValue;
            this.tensorOnly = from.tensorOnly;
            this.home = home;
            this.t = t;
            this.m.addAll(m);
            this.v.addAll(v);
            this.constants.addAll(from.constants);
            this.beta1 = from.beta1;
            this.beta2 = from.beta2;
            this.oneMinusBeta1 = from.oneMinusBeta1;
            this.oneMinusBeta2 = from.oneMinusBeta2;
            this.eps = from.eps;
        }

        @Override
        ParameterUpdater select(int[] keep, NDArray index) {
            long[] steps = new long[keep.length];
            for (int i = 0; i < keep.length; i++) {
                steps[i] = t[keep[i]];
            }
            return new Adam(this, index.getManager(), gather(m, index), gather(v, index), steps);
        }

        @Override
        List<NDArray> headState() {
            List<NDArray> all = new ArrayList<>(m);
            all.addAll(v);
            all.addAll(scratch);
            return all;
        }

        private NDArray constant(NDManager run, NDArray like, double value) {
            NDArray a = scalar(run, like, value);
            constants.add(a);
            return a;
        }

        @Override
        void update(List<NDArray> params, List<NDArray> grads, double[] lr, boolean[] active) {
            double[] c2 = new double[t.length];
            double[] rates = new double[t.length];
            for (int k = 0; k < t.length; k++) {
                if (!active[k]) {
                    // Any finite c2 will do: the rate of 0 discards the ratio.
                    c2[k] = 1;
                    continue;
                }
                t[k]++;
                c2[k] = 1 - Math.pow(b2, t[k]);
                rates[k] = lr[k] / (1 - Math.pow(b1, t[k]));
            }
            if (!decided) {
                decide(params, grads);
            }
            if (fused != null) {
                fused.update(params, grads, m, v, scratch, c2, rates, zeroesGradients);
                if (!zeroesGradients) {
                    for (NDArray g : grads) {
                        g.subi(g);
                    }
                }
                return;
            }
            NDArray p0 = params.get(0);
            try (NDArray c2a = column(p0, c2);
                    NDArray rate = column(p0, rates)) {
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
                    g.subi(g);
                }
            }
        }

        /** Takes the fused form when allowed and every array it writes permits it; else the libtorch form. */
        private void decide(List<NDArray> params, List<NDArray> grads) {
            decided = true;
            if (tensorOnly) {
                return;
            }
            for (NDArray p : params) {
                scratch.add(home.zeros(p.getShape(), p.getDataType(), p.getDevice()));
            }
            List<NDArray> written = new ArrayList<>(params);
            written.addAll(m);
            written.addAll(v);
            written.addAll(scratch);
            if (FusedAdam.supports(written)) {
                fused = new FusedAdam(b1, b2, epsValue);
                // libtorch accumulates later gradients into the same arrays, so what holds now holds for the run.
                zeroesGradients = FusedAdam.supports(grads);
            } else {
                scratch.forEach(NDArray::close);
                scratch.clear();
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
