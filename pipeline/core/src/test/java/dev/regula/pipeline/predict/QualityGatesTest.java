package dev.regula.pipeline.predict;

import static org.assertj.core.api.Assertions.assertThat;

import dev.regula.ensemble.ClassificationMetrics;
import org.junit.jupiter.api.Test;

class QualityGatesTest {
    /**
     * Four rows, two classes: three right with confidence 0.9, one wrong with confidence 0.6.
     * Accuracy 0.75; NLL = -(3 ln 0.9 + ln 0.4) / 4 = 0.30810.
     */
    private static ClassificationMetrics metrics() throws Exception {
        float[][] p = {{0.9f, 0.1f}, {0.1f, 0.9f}, {0.9f, 0.1f}, {0.6f, 0.4f}};
        int[] y = {0, 1, 0, 1};
        return ClassificationMetrics.of(p, y);
    }

    @Test
    void unsetGatesPassAnything() throws Exception {
        assertThat(QualityGates.NONE.failures(metrics())).isEmpty();
    }

    @Test
    void eachGateFailsOnTheRightSideOfItsThreshold() throws Exception {
        ClassificationMetrics m = metrics();
        assertThat(m.accuracy()).isEqualTo(0.75);
        assertThat(m.nll()).isCloseTo(-(3 * Math.log(0.9) + Math.log(0.4)) / 4, org.assertj.core.data.Offset.offset(1e-6));

        assertThat(new QualityGates(0.75, null, null, null).failures(m)).isEmpty();
        assertThat(new QualityGates(0.76, null, null, null).failures(m)).containsExactly("accuracy 0.7500 < min_accuracy 0.76");
        assertThat(new QualityGates(null, null, null, 0.31).failures(m)).isEmpty();
        assertThat(new QualityGates(null, null, null, 0.30).failures(m)).containsExactly("NLL 0.3081 > max_nll 0.3");
        assertThat(new QualityGates(null, 1.0, 0.0, null).failures(m)).hasSize(2)
                .anySatisfy(f -> assertThat(f).startsWith("macro-F1 "))
                .anySatisfy(f -> assertThat(f).startsWith("ECE "));
    }

    @Test
    void frontEndsNameTheGatesTheirOwnWay() throws Exception {
        assertThat(new QualityGates(0.8, null, null, null).failures(metrics(), k -> "--" + k.replace('_', '-')))
                .containsExactly("accuracy 0.7500 < --min-accuracy 0.8");
    }

    @Test
    void aFigureThatIsNaNFailsItsGate() throws Exception {
        ClassificationMetrics m = metrics();
        ClassificationMetrics nan = new ClassificationMetrics(Double.NaN, m.macroF1(), m.nll(), m.brier(), m.ece(), m.reliability());
        assertThat(new QualityGates(0.0, null, null, null).failures(nan)).containsExactly("accuracy NaN < min_accuracy 0.0");
    }

    @Test
    void thresholdsOutsideTheirFiguresRangeAreRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new QualityGates(1.5, null, null, null))
                .isInstanceOf(QualityGates.BadGateException.class).hasMessageContaining("min_accuracy 1.5 is out of range");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new QualityGates(null, -0.01, null, null))
                .hasMessageContaining("min_macro_f1");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new QualityGates(null, null, Double.NaN, null))
                .hasMessageContaining("max_ece NaN");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new QualityGates(null, null, null, Double.POSITIVE_INFINITY))
                .hasMessageContaining("max_nll");
        assertThat(new QualityGates(0.0, 1.0, 0.0, 0.0)).isNotNull();
    }
}
