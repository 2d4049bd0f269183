package dev.regula.transfer.regularize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/** Dropout is the identity at inference and keeps the mean in training. */
class DropoutTest {
    private static final int N = 200_000;

    private static double[] meanVar(float[] v) {
        double s = 0;
        double s2 = 0;
        for (float x : v) {
            s += x;
            s2 += (double) x * x;
        }
        double mean = s / v.length;
        return new double[] {mean, s2 / v.length - mean * mean};
    }

    @Test
    void everyKindIsTheIdentityAtInference() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new float[] {1, -2, 3, 0.5f});
            NoiseSource noise = new NoiseSource(1);
            for (DropoutLayer d : new DropoutLayer[] {new StandardDropout(0.5), new GaussianDropout(0.5),
                    new ConcreteDropout(m, 0.5, 0.1, 1e-6, 1e-5)}) {
                assertThat(d.apply(x, false, noise).toFloatArray()).containsExactly(1, -2, 3, 0.5f);
            }
        }
    }

    @Test
    void standardDropoutZeroesAFractionPAndKeepsTheMean() {
        try (NDManager m = NDManager.newBaseManager()) {
            float[] out = new StandardDropout(0.3).apply(m.ones(new Shape(N)), true, new NoiseSource(2)).toFloatArray();
            long zeros = 0;
            for (float v : out) {
                if (v == 0) {
                    zeros++;
                }
            }
            assertThat((double) zeros / N).isCloseTo(0.3, within(0.005));
            assertThat(meanVar(out)[0]).isCloseTo(1.0, within(0.01));
        }
    }

    @Test
    void gaussianDropoutHasMeanOneAndVariancePOverOneMinusP() {
        try (NDManager m = NDManager.newBaseManager()) {
            double p = 0.4;
            double[] mv = meanVar(new GaussianDropout(p).apply(m.ones(new Shape(N)), true, new NoiseSource(3)).toFloatArray());
            assertThat(mv[0]).isCloseTo(1.0, within(0.01));
            assertThat(mv[1]).isCloseTo(p / (1 - p), within(0.02));
        }
    }

    @Test
    void concreteDropoutKeepsTheMeanApproximatelyAndDropsAboutP() {
        try (NDManager m = NDManager.newBaseManager()) {
            ConcreteDropout d = new ConcreteDropout(m, 0.25, 0.1, 1e-6, 1e-5);
            assertThat(d.rate()).isCloseTo(0.25, within(1e-6));
            float[] out = d.apply(m.ones(new Shape(N)), true, new NoiseSource(4)).toFloatArray();
            long nearZero = 0;
            for (float v : out) {
                if (v < 0.5 / (1 - 0.25)) { // relaxed drop probability z > 1/2, which happens with probability exactly p
                    nearZero++;
                }
            }
            assertThat((double) nearZero / N).isCloseTo(0.25, within(0.005));
            assertThat(meanVar(out)[0]).isCloseTo(1.0, within(0.03));
        }
    }

    @Test
    void concreteRegularizerMatchesTheFormula() {
        try (NDManager m = NDManager.newBaseManager()) {
            double p = 0.2;
            ConcreteDropout d = new ConcreteDropout(m, p, 0.1, 0.01, 0.001);
            NDArray w = m.create(new float[][] {{1, 2, 0}, {0, 0, 2}}); // ‖W‖² = 9, K = 3
            double expected = 0.01 * 9 / (1 - p) + 0.001 * 3 * (p * Math.log(p) + (1 - p) * Math.log(1 - p));
            assertThat((double) d.regularizer(w).getFloat()).isCloseTo(expected, within(1e-5));
        }
    }

    @Test
    void variationalKlMatchesTheMolchanovApproximation() {
        try (NDManager m = NDManager.newBaseManager()) {
            VariationalDense vd = new VariationalDense(m, 1, 2, 0.0, 3.0); // log σ² = 0
            NDArray w = m.create(new float[][] {{1f, 0.1f}}); // log α = 0 and −log(0.01) ≈ 4.605
            double kl = 0;
            for (double la : new double[] {0.0, -Math.log(0.01f * 1.0000001)}) {
                double laC = Math.max(-10, Math.min(10, -Math.log(Math.pow(w.toFloatArray()[la == 0 ? 0 : 1], 2) + 1e-8)));
                double negKl = 0.63576 / (1 + Math.exp(-(1.87320 + 1.48695 * laC))) - 0.5 * Math.log1p(Math.exp(-laC)) - 0.63576;
                kl -= negKl;
            }
            assertThat((double) vd.kl(w).getFloat()).isCloseTo(kl, within(1e-5));
            assertThat(vd.prunedFraction(w)).isEqualTo(0.5);
            assertThat(vd.inferenceWeight(w).toFloatArray()).containsExactly(1f, 0f);
        }
    }
}
