package dev.regula.transfer.regularize;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Activation;
import java.util.List;

/**
 * Concrete dropout with a learned rate (Gal, Hron &amp; Kendall, "Concrete Dropout", NeurIPS 2017).
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
    private final double temperature;
    private final double weightReg;
    private final double dropoutReg;

    /**
     * @param manager owner of the learned logit (the training run's manager)
     * @param initRate starting rate, in (0, 1)
     */
    public ConcreteDropout(NDManager manager, double initRate, double temperature, double weightReg, double dropoutReg) {
        if (!(initRate > 0 && initRate < 1)) {
            throw new IllegalArgumentException("concrete dropout initial rate must be in (0, 1), got " + initRate);
        }
        if (!(temperature > 0)) {
            throw new IllegalArgumentException("concrete dropout temperature must be > 0, got " + temperature);
        }
        this.logit = manager.create(new float[] {(float) Math.log(initRate / (1 - initRate))});
        this.logit.setRequiresGradient(true);
        this.temperature = temperature;
        this.weightReg = weightReg;
        this.dropoutReg = dropoutReg;
    }

    private NDArray p() {
        return Activation.sigmoid(logit);
    }

    @Override
    public NDArray apply(NDArray x, boolean training, NoiseSource noise) {
        if (!training) {
            return x;
        }
        NDArray p = p();
        NDArray u = noise.uniform(x.getManager(), x.getShape());
        NDArray drop = Activation.sigmoid(
                p.add(EPS).log().sub(p.neg().add(1f + EPS).log())
                        .add(u.add(EPS).log()).sub(u.neg().add(1f + EPS).log())
                        .div(GraphScalars.of(p, temperature)));
        return x.mul(drop.neg().add(1f)).div(p.neg().add(1f));
    }

    /**
     * The regularizer term for this site.
     *
     * @param nextWeight weight {@code [out, in]} of the layer fed by this dropout
     * @return scalar array
     */
    public NDArray regularizer(NDArray nextWeight) {
        long inputDim = nextWeight.getShape().get(1);
        NDArray p = p();
        NDArray oneMinusP = p.neg().add(1f);
        NDArray sumSq = nextWeight.square().sum();
        NDArray weightTerm = sumSq.mul(GraphScalars.of(sumSq, weightReg)).div(oneMinusP);
        NDArray negEntropy = p.mul(p.add(EPS).log()).add(oneMinusP.mul(oneMinusP.add(EPS).log()));
        return weightTerm.add(negEntropy.mul(GraphScalars.of(negEntropy, dropoutReg * inputDim))).sum();
    }

    @Override
    public double rate() {
        double l = logit.getFloat(0);
        return 1.0 / (1.0 + Math.exp(-l));
    }

    @Override
    public List<NDArray> parameters() {
        return List.of(logit);
    }
}
