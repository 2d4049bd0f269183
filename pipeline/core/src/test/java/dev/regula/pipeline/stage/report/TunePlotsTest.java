package dev.regula.pipeline.stage.report;

import static dev.regula.pipeline.stage.report.TuneReportFixtures.L2_VALUES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.regula.transfer.tune.Knob;
import dev.regula.transfer.tune.Selection;
import dev.regula.transfer.tune.TrialResult;
import dev.regula.transfer.tune.TuneSpec;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;

class TunePlotsTest {
    private static final java.util.Comparator<Double> CLOSE = (a, b) -> Math.abs(a - b) < 1e-9 ? 0 : Double.compare(a, b);

    @Test
    void l2PathCurveMarksTheMinimumAndTheOneSeChoiceOnALogAxis() throws Exception {
        List<TrialResult> trials = TuneReportFixtures.l2Trials();
        Selection s = TuneReportFixtures.select(TuneSpec.Rule.ONE_SE, TuneReportFixtures.l2Space(), trials, null);
        KnobCurve c = KnobCurve.of(trials, s).get(0);
        assertThat(c.knob()).isEqualTo(Knob.L2);
        assertThat(c.profile()).isFalse();
        assertThat(c.logX()).isTrue();
        assertThat(c.points()).extracting(KnobCurve.Point::value).containsExactlyElementsOf(L2_VALUES);
        assertThat(c.baseline()).isNotNull(); // shown apart, not a point of the curve

        XYChart chart = TunePlots.validationCurve("linear", c);
        assertThat(chart.getStyler().isXAxisLogarithmic()).isTrue();
        // hand-computed: min at l2 = 0.1 (0.20); 1 SE = 0.00707, so l2 = 1 (0.205) is the most regularized within it
        assertPoint(chart.getSeriesMap().get(TunePlots.MIN), 0.1, 0.20);
        assertPoint(chart.getSeriesMap().get(TunePlots.ONE_SE), 1.0, 0.205);
        assertThat(chart.getSeriesMap().get(TunePlots.THRESHOLD).getYData()[0])
                .isCloseTo(0.20 + TuneReportFixtures.SE, within(1e-9));
        assertThat(chart.getSeriesMap().get(TunePlots.TRAIN).getYData()).containsExactly(TuneReportFixtures.L2_TRAIN,
                within(1e-12));
        // the band is ±1 SE around each point: its first vertex is the upper edge at the weakest value
        assertThat(chart.getSeriesMap().get(TunePlots.BAND).getYData()[0])
                .isCloseTo(0.30 + TuneReportFixtures.SE, within(1e-9));
        assertPoint(chart.getSeriesMap().get(TunePlots.BASELINE), 1e-4, 0.30);
        assertPng(TunePlots.png(chart));
    }

    @Test
    void underRuleMinTheOneSeChoiceIsStillDrawnAndAgreesWithTheLibrary() {
        List<TrialResult> trials = TuneReportFixtures.l2Trials();
        Selection min = TuneReportFixtures.select(TuneSpec.Rule.MIN, TuneReportFixtures.l2Space(), trials, null);
        Selection oneSe = TuneReportFixtures.select(TuneSpec.Rule.ONE_SE, TuneReportFixtures.l2Space(), trials, null);
        KnobCurve c = KnobCurve.of(trials, min).get(0);
        assertThat(min.winner().id()).isEqualTo(c.minimum().id());
        assertThat(c.oneSe().id()).isEqualTo(oneSe.winner().id()).isNotEqualTo(c.minimum().id());
    }

    @Test
    void severalKnobsGiveProfilesOverFullBudgetTrialsOnly() throws Exception {
        List<TrialResult> trials = TuneReportFixtures.halvingTrials();
        Selection s = TuneReportFixtures.select(TuneSpec.Rule.ONE_SE, TuneReportFixtures.halvingSpace(), trials, 6);
        List<KnobCurve> curves = KnobCurve.of(trials, s);
        assertThat(curves).extracting(KnobCurve::knob).containsExactly(Knob.DROPOUT_RATE, Knob.WEIGHT_DECAY);
        KnobCurve rate = curves.get(0);
        assertThat(rate.profile()).isTrue();
        assertThat(rate.logX()).as("dropout rates include 0: linear axis").isFalse();
        // profile over the 4 full trials: rate 0 -> 0.24 (×1e-2), 0.25 -> 0.22, 0.5 -> best of 0.20 and 0.24
        assertThat(rate.points()).extracting(KnobCurve.Point::value).containsExactly(0.0, 0.25, 0.5);
        assertThat(rate.points()).extracting(KnobCurve.Point::cv).usingElementComparator(CLOSE)
                .containsExactly(0.24, 0.22, 0.20);
        KnobCurve decay = curves.get(1);
        assertThat(decay.logX()).isTrue();
        assertThat(decay.points()).extracting(KnobCurve.Point::value).containsExactly(1e-3, 1e-2);
        assertPng(TunePlots.png(TunePlots.validationCurve("mlp", rate)));
        assertPng(TunePlots.png(TunePlots.validationCurve("mlp", decay)));
    }

    @Test
    void rungChartShowsWhereEachTrialStopped() throws Exception {
        List<TrialResult> trials = TuneReportFixtures.halvingTrials();
        assertThat(TunePlots.halved(trials)).isTrue();
        assertThat(TunePlots.halved(TuneReportFixtures.l2Trials())).isFalse();
        XYChart chart = TunePlots.rungChart("mlp", trials, trials.get(8).id());
        XYSeries stopped = chart.getSeriesMap().get(TunePlots.STOPPED);
        XYSeries full = chart.getSeriesMap().get(TunePlots.FULL);
        assertThat(stopped.getXData()).hasSize(5).containsOnly(2.0);
        assertThat(full.getXData()).hasSize(4).containsOnly(6.0);
        assertThat(chart.getSeriesMap().keySet().stream().filter(k -> k.startsWith("trial "))).hasSize(9);
        assertPng(TunePlots.png(chart));
    }

    private static void assertPoint(XYSeries s, double x, double y) {
        assertThat(s).isNotNull();
        assertThat(s.getXData()).containsExactly(x);
        assertThat(s.getYData()[0]).isCloseTo(y, within(1e-12));
    }

    /** The PNG decodes at the size drawn, and is not blank (more than background and a few axis colours). */
    static void assertPng(byte[] png) throws Exception {
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(img).isNotNull();
        assertThat(img.getWidth()).isEqualTo(TunePlots.W);
        assertThat(img.getHeight()).isEqualTo(TunePlots.H);
        long colours = java.util.stream.IntStream.range(0, img.getWidth() * img.getHeight())
                .map(i -> img.getRGB(i % img.getWidth(), i / img.getWidth())).distinct().count();
        assertThat(colours).isGreaterThan(5);
    }
}
