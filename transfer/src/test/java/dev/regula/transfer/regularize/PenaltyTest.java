package dev.regula.transfer.regularize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Penalty values on weights small enough to check by hand. */
class PenaltyTest {
    private NDManager m;
    private List<NDArray> w;
    private List<NDArray> b;

    @BeforeEach
    void setUp() {
        m = NDManager.newBaseManager();
        // |W| sums to 6, W² to 14; the bias is 5.
        w = List.of(m.create(new float[][] {{1, -2}, {3, 0}}));
        b = List.of(m.create(new float[] {5, 0}));
    }

    @AfterEach
    void tearDown() {
        m.close();
    }

    @Test
    void l1IsLambdaTimesSumOfAbsoluteWeights() {
        assertThat(new L1Penalty(0.5, false).value(w, b).getFloat()).isEqualTo(3f);
        assertThat(new L1Penalty(0.5, true).value(w, b).getFloat()).isEqualTo(5.5f);
    }

    @Test
    void l2IsLambdaTimesSumOfSquaresWithoutAHalf() {
        assertThat(new L2Penalty(0.1, false).value(w, b).getFloat()).isCloseTo(1.4f, within(1e-6f));
        assertThat(new L2Penalty(0.1, true).value(w, b).getFloat()).isCloseTo(3.9f, within(1e-6f));
    }

    @Test
    void elasticNetMixesBoth() {
        // 0.2 * (0.25*6 + 0.75*14) = 2.4
        assertThat(new ElasticNetPenalty(0.2, 0.25, false).value(w, b).getFloat()).isCloseTo(2.4f, within(1e-6f));
    }

    @Test
    void l2SpMeasuresDistanceToReferenceNotToZero() {
        NDArray w0 = m.create(new float[][] {{1, -2}, {3, 1}});
        assertThat(new L2SpPenalty(2.0, List.of(w0)).value(w, b).getFloat()).isEqualTo(2f);
        assertThat(new L2SpPenalty(2.0, List.of(w.get(0))).value(w, b).getFloat()).isZero();
    }

    @Test
    void badStrengthsNameTheirKey() {
        assertThatThrownBy(() -> new L1Penalty(-1, false)).hasMessageContaining("l1 must be >= 0, got -1");
        assertThatThrownBy(() -> new ElasticNetPenalty(1, 1.5, false)).hasMessageContaining("elastic_net.l1_ratio");
        assertThatThrownBy(() -> RegularizationSpec.builder().weightDecay(Double.NaN).build())
                .hasMessageContaining("weight_decay");
        assertThatThrownBy(() -> DropoutSpec.of(DropoutSpec.Kind.STANDARD, 1.0, 0))
                .hasMessageContaining("dropout.rate must be in [0, 1), got 1.0");
        assertThatThrownBy(() -> RegularizationSpec.builder().maxNorm(0.0).build()).hasMessageContaining("max_norm");
    }

    @Test
    void maxNormClipsEveryRowToC() {
        NDArray big = m.create(new float[][] {{3, 4}, {0.3f, 0.4f}});
        new MaxNormConstraint(1.0).apply(big);
        float[] v = big.toFloatArray();
        assertThat(Math.hypot(v[0], v[1])).isCloseTo(1.0, within(1e-6));
        assertThat(v[0] / v[1]).isCloseTo(0.75f, within(1e-6f));
        assertThat(new float[] {v[2], v[3]}).containsExactly(0.3f, 0.4f);
    }
}
