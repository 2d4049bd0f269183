package dev.regula.transfer.finetune;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;

/**
 * Adam (Kingma &amp; Ba 2015) with bias correction over one parameter group, in place. Each step
 * works on views owned by a step manager, so the scalars DJL makes for {@code op(Number)} and every
 * temporary are freed with the step instead of piling up in the parameters' managers.
 */
final class Adam {
    private static final double B1 = 0.9;
    private static final double B2 = 0.999;
    private static final double EPS = 1e-8;

    private final List<NDArray> params;
    private final List<NDArray> m = new ArrayList<>();
    private final List<NDArray> v = new ArrayList<>();
    private long t;

    Adam(NDManager state, List<NDArray> params) {
        this.params = List.copyOf(params);
        for (NDArray p : params) {
            m.add(state.zeros(p.getShape(), p.getDataType()));
            v.add(state.zeros(p.getShape(), p.getDataType()));
        }
    }

    /** One step at rate {@code lr}; the gradients are zeroed afterwards. */
    void step(double lr, NDManager parent) {
        t++;
        double c1 = 1 - Math.pow(B1, t);
        double c2 = 1 - Math.pow(B2, t);
        try (NDManager step = parent.newSubManager()) {
            for (int i = 0; i < params.size(); i++) {
                NDArray p = view(params.get(i), step);
                NDArray g = params.get(i).getGradient();
                g.attach(step);
                NDArray mi = view(m.get(i), step);
                NDArray vi = view(v.get(i), step);
                mi.muli(B1).addi(g.mul(1 - B1));
                vi.muli(B2).addi(g.square().muli(1 - B2));
                if (lr > 0) {
                    p.subi(mi.div(c1).divi(vi.div(c2).sqrt().addi(EPS)).muli(lr));
                }
                g.subi(g);
            }
        }
    }

    /** A view of {@code a} owned by {@code m}: in-place ops on it change {@code a}. */
    static NDArray view(NDArray a, NDManager m) {
        NDArray v = a.reshape(a.getShape());
        v.attach(m);
        return v;
    }
}
