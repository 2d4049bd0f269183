package dev.regula.transfer.regularize;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import java.util.List;

/**
 * Concrete dropout with a learned rate (Gal, Hron &amp; Kendall, "Concrete Dropout", NeurIPS 2017),
 * for one site of a stack of K heads: each head has its own learned rate and constants.
 *
 * <p>The rate is {@code p = sigmoid(logit)} with {@code logit} trained by gradient descent. In
 * training the hard Bernoulli mask is replaced by its relaxation with temperature {@code t}:
 * <pre>
 *   z = sigmoid( (log p − log(1−p) + log u − log(1−u)) / t ),  u ~ U(0,1)   (drop probability)
 *   x̃ = x · (1 − z) / (1 − p)
 * </pre>
 * and the loss receives the term (eq. 3 of the paper, in the form of its reference code)
 * <pre>
 *   weight_reg · ‖W‖² / (1 − p)  +  dropout_reg · K · (p log p + (1−p) log(1−p))
 * </pre>
 * where W is the weight of the layer that consumes the dropped activations and K its input width.
 * The second term is the negative entropy of the Bernoulli(p), which keeps p away from 0 and 1;
 * the first rewards large p by discounting the weight penalty. Identity at inference.
 */
public final class ConcreteDropout implements DropoutLayer {
    private static final float EPS = 1e-7f;
    private final NDArray logit;
    private final int heads;
    private final double[] temperature;
    private final double[] weightReg;
    private final double[] dropoutReg;

    /**
     * One head.
     *
     * @param manager owner of the learned logit (the training run's manager)
     * @param initRate starting rate, in (0, 1)
     */
    public ConcreteDropout(NDManager manager, double initRate, double temperature, double weightReg, double dropoutReg) {
        this(manager, new double[] {initRate}, new double[] {temperature}, new double[] {weightReg}, new double[] {dropoutReg});
    }

    /** K heads, one value per head in each array; the learned logits are one array {@code [K, 1, 1]}. */
    public ConcreteDropout(NDManager manager, double[] initRates, double[] temperatures, double[] weightRegs, double[] dropoutRegs) {
        heads = initRates.length;
        if (heads == 0 || temperatures.length != heads || weightRegs.length != heads || dropoutRegs.length != heads) {
            throw new IllegalArgumentException("concrete dropout: expected one rate, temperature, weight_reg and dropout_reg per head");
        }
        float[] logits = new float[heads];
        for (int k = 0; k < heads; k++) {
            double r = initRates[k];
            if (!(r > 0 && r < 1)) {
                throw new IllegalArgumentException("concrete dropout initial rate must be in (0, 1), got " + r);
            }
            if (!(temperatures[k] > 0)) {
                throw new IllegalArgumentException("concrete dropout temperature must be > 0, got " + temperatures[k]);
            }
            logits[k] = (float) Math.log(r / (1 - r));
        }
        this.logit = manager.create(logits, new Shape(heads, 1, 1));
        this.logit.setRequiresGradient(true);
        this.temperature = temperatures.clone();
        this.weightReg = weightRegs.clone();
        this.dropoutReg = dropoutRegs.clone();
    }

    private ConcreteDropout(NDArray logit, double[] temperature, double[] weightReg, double[] dropoutReg) {
        this.logit = logit;
        this.heads = temperature.length;
        this.temperature = temperature;
        this.weightReg = weightReg;
        this.dropoutReg = dropoutReg;
    }

    /**
     * The site of the heads {@code keep} of this stack, learned rates included, in new arrays made
     * by {@code index}'s manager ({@code index} holds {@code keep} as int64).
     */
    public ConcreteDropout select(int[] keep, NDArray index) {
        NDArray l = logit.get(new ai.djl.ndarray.index.NDIndex("{}", index));
        l.setRequiresGradient(true);
        return new ConcreteDropout(l, pick(temperature, keep), pick(weightReg, keep), pick(dropoutReg, keep));
    }

    static double[] pick(double[] values, int[] keep) {
        double[] out = new double[keep.length];
        for (int i = 0; i < keep.length; i++) {
            out[i] = values[keep[i]];
        }
        return out;
    }

    private NDArray p() {
        return Activation.sigmoid(logit);
    }

    /** One head's site: {@code x} of any shape, noise of that shape. */
    @Override
    public NDArray apply(NDArray x, boolean training, NoiseSource noise) {
        if (heads != 1) {
            throw new IllegalStateException("this site belongs to " + heads + " heads; use apply(x, training, noises, stacked)");
        }
        return apply(x, training, new NoiseSource[] {noise}, false);
    }

    /**
     * The site for every head: {@code x} is {@code [K, rest...]} when {@code stacked}, otherwise one
     * input {@code [rest...]} shared by all heads (the stack's feature batch). Head k draws
     * {@code |rest|} uniforms from {@code noises[k]}; the result is {@code [K, rest...]}.
     */
    public NDArray apply(NDArray x, boolean training, NoiseSource[] noises, boolean stacked) {
        if (!training) {
            return x;
        }
        Shape rest = stacked ? x.getShape().slice(1) : x.getShape();
        int n = Math.toIntExact(rest.size());
        float[] u = new float[heads * n];
        for (int k = 0; k < heads; k++) {
            System.arraycopy(noises[k].uniformValues(n), 0, u, k * n, n);
        }
        NDArray p = p();
        NDArray un = x.getManager().create(u, new Shape(heads).addAll(rest));
        NDArray drop = Activation.sigmoid(
                p.add(EPS).log().sub(p.neg().add(1f + EPS).log())
                        .add(un.add(EPS).log()).sub(un.neg().add(1f + EPS).log())
                        .div(HeadAxis.column(p, temperature)));
        return x.mul(drop.neg().add(1f)).div(p.neg().add(1f));
    }

    /**
     * The regularizer term of this site, per head.
     *
     * @param nextWeight weight {@code [K, out, in]} of the layer fed by this dropout ({@code [out, in]} for one head)
     * @return {@code [K]}
     */
    public NDArray regularizer(NDArray nextWeight) {
        long inputDim = nextWeight.getShape().get(nextWeight.getShape().dimension() - 1);
        NDArray p = p().reshape(heads);
        NDArray oneMinusP = p.neg().add(1f);
        NDArray sumSq = HeadAxis.sums(nextWeight.square(), heads);
        NDArray weightTerm = sumSq.mul(HeadAxis.vector(sumSq, weightReg)).div(oneMinusP);
        NDArray negEntropy = p.mul(p.add(EPS).log()).add(oneMinusP.mul(oneMinusP.add(EPS).log()));
        double[] entropyWeight = new double[heads];
        for (int k = 0; k < heads; k++) {
            entropyWeight[k] = dropoutReg[k] * inputDim;
        }
        return weightTerm.add(negEntropy.mul(HeadAxis.vector(negEntropy, entropyWeight)));
    }

    /** The current rate of a single-head site. */
    @Override
    public double rate() {
        return rates()[0];
    }

    /** The current rate of each head. */
    public double[] rates() {
        float[] l = logit.toFloatArray();
        double[] r = new double[heads];
        for (int k = 0; k < heads; k++) {
            r[k] = 1.0 / (1.0 + Math.exp(-l[k]));
        }
        return r;
    }

    @Override
    public List<NDArray> parameters() {
        return List.of(logit);
    }
}
