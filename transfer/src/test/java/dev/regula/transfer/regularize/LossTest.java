package dev.regula.transfer.regularize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

/** Label smoothing and class weights against hand computation. */
class LossTest {
    private static final float[][] LOGITS = {{2, 0, -1}, {0, 1, 0}};

    private static double[] logSoftmax(float[] z) {
        double max = Math.max(z[0], Math.max(z[1], z[2]));
        double s = 0;
        for (float v : z) {
            s += Math.exp(v - max);
        }
        double[] out = new double[z.length];
        for (int i = 0; i < z.length; i++) {
            out[i] = z[i] - max - Math.log(s);
        }
        return out;
    }

    private static double rowLoss(float[] z, int y, double eps) {
        double[] ls = logSoftmax(z);
        double l = 0;
        for (int c = 0; c < 3; c++) {
            double q = eps / 3 + (c == y ? 1 - eps : 0);
            l -= q * ls[c];
        }
        return l;
    }

    @Test
    void labelSmoothingMatchesHandComputation() {
        try (NDManager m = NDManager.newBaseManager()) {
            int[] y = {0, 2};
            double expected = (rowLoss(LOGITS[0], 0, 0.1) + rowLoss(LOGITS[1], 2, 0.1)) / 2;
            double plain = (rowLoss(LOGITS[0], 0, 0) + rowLoss(LOGITS[1], 2, 0)) / 2;
            float got = new SmoothedCrossEntropy(0.1, null).loss(m.create(LOGITS), y).getFloat();
            assertThat((double) got).isCloseTo(expected, within(1e-6));
            assertThat(new SmoothedCrossEntropy(0, null).loss(m.create(LOGITS), y).getFloat())
                    .isCloseTo((float) plain, within(1e-6f));
            assertThat(expected).isNotCloseTo(plain, within(1e-3));
        }
    }

    @Test
    void balancedClassWeightsAreNOverCTimesCount() {
        int[] labels = {0, 0, 0, 1};
        assertThat(SmoothedCrossEntropy.balanced(labels, 2)).containsExactly(4f / 6, 2f);
        assertThatThrownBy(() -> SmoothedCrossEntropy.balanced(labels, 3)).hasMessageContaining("class 2 has no example");
    }

    @Test
    void classWeightsGiveTheWeightedMean() {
        try (NDManager m = NDManager.newBaseManager()) {
            int[] y = {0, 1};
            float[] a = {2f / 3, 2f};
            double l0 = rowLoss(LOGITS[0], 0, 0);
            double l1 = rowLoss(LOGITS[1], 1, 0);
            double expected = (a[0] * l0 + a[1] * l1) / (a[0] + a[1]);
            float got = new SmoothedCrossEntropy(0, a).loss(m.create(LOGITS), y).getFloat();
            assertThat((double) got).isCloseTo(expected, within(1e-6));
            assertThat(expected).isNotCloseTo((l0 + l1) / 2, within(1e-3));
        }
    }

    @Test
    void explicitClassWeightsMustMatchClassCount() {
        ClassWeightsSpec spec = ClassWeightsSpec.fromYaml(java.util.List.of(1, 3));
        assertThat(spec.resolve(new int[] {0, 1}, 2)).containsExactly(1f, 3f);
        assertThatThrownBy(() -> spec.resolve(new int[] {0}, 3)).hasMessageContaining("expected one per class (3)");
        assertThatThrownBy(() -> ClassWeightsSpec.fromYaml("weighted")).hasMessageContaining("'balanced' or a list");
    }
}
