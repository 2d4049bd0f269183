package dev.regula.transfer.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;

/**
 * The gradient part of an optimizer step, done in place on DJL arrays. Decay and constraints are
 * applied by the trainer afterwards, outside the gradient. State arrays live in the run's manager.
 */
abstract class ParameterUpdater {
    /** Updates {@code param} (index {@code i} in the trainer's parameter list) with its gradient. */
    abstract void update(int i, NDArray param, NDArray grad, double lr);

    /** State arrays, kept alive across batches by the trainer. */
    abstract List<NDArray> state();

    static ParameterUpdater of(TrainingSpec spec, NDManager run, List<NDArray> params) {
        return spec.optimizer() == TrainingSpec.Optimizer.SGD
                ? new Sgd(run, params, spec.momentum())
                : new Adam(run, params, spec.beta1(), spec.beta2(), spec.adamEpsilon());
    }

    /** SGD with heavy-ball momentum: {@code v ← μv + g; w ← w − lr·v}. */
    static final class Sgd extends ParameterUpdater {
        private final List<NDArray> velocity = new ArrayList<>();
        private final double momentum;

        Sgd(NDManager run, List<NDArray> params, double momentum) {
            this.momentum = momentum;
            for (NDArray p : params) {
                velocity.add(run.zeros(p.getShape(), p.getDataType(), p.getDevice()));
            }
        }

        @Override
        void update(int i, NDArray param, NDArray grad, double lr) {
            NDArray v = velocity.get(i);
            v.muli((float) momentum).addi(grad);
            param.subi(v.mul((float) lr));
        }

        @Override
        List<NDArray> state() {
            return velocity;
        }
    }

    /** Adam (Kingma &amp; Ba 2015) with bias correction. */
    static final class Adam extends ParameterUpdater {
        private final List<NDArray> m = new ArrayList<>();
        private final List<NDArray> v = new ArrayList<>();
        private final long[] t;
        private final double b1;
        private final double b2;
        private final double eps;

        Adam(NDManager run, List<NDArray> params, double b1, double b2, double eps) {
            this.b1 = b1;
            this.b2 = b2;
            this.eps = eps;
            for (NDArray p : params) {
                m.add(run.zeros(p.getShape(), p.getDataType(), p.getDevice()));
                v.add(run.zeros(p.getShape(), p.getDataType(), p.getDevice()));
            }
            t = new long[params.size()];
        }

        @Override
        void update(int i, NDArray param, NDArray grad, double lr) {
            long step = ++t[i];
            NDArray mi = m.get(i);
            NDArray vi = v.get(i);
            mi.muli((float) b1).addi(grad.mul((float) (1 - b1)));
            vi.muli((float) b2).addi(grad.square().mul((float) (1 - b2)));
            double c1 = 1 - Math.pow(b1, step);
            double c2 = 1 - Math.pow(b2, step);
            NDArray denom = vi.div((float) c2).sqrt().add((float) eps);
            param.subi(mi.div(denom).mul((float) (lr / c1)));
        }

        @Override
        List<NDArray> state() {
            List<NDArray> all = new ArrayList<>(m);
            all.addAll(v);
            return all;
        }
    }
}
