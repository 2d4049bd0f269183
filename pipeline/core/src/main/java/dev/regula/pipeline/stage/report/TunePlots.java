package dev.regula.pipeline.stage.report;

import dev.regula.transfer.tune.RungScore;
import dev.regula.transfer.tune.TrialResult;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The tune section's charts, drawn with XChart (headless) as {@link Plots}. They are built as
 * {@link XYChart}s first, so tests can read the series back, and encoded by {@link #png}.
 */
final class TunePlots {
    static final int W = 760;
    static final int H = 440;
    /** Series names that tests and readers rely on. */
    static final String CV = "CV NLL";
    static final String BAND = "±1 SE";
    static final String TRAIN = "train NLL";
    static final String MIN = "minimum";
    static final String ONE_SE = "1-SE choice";
    static final String THRESHOLD = "min + 1 SE";
    static final String BASELINE = "configured";
    static final String STOPPED = "stopped";
    static final String FULL = "ran full budget";

    private static final Color BLUE = new Color(31, 119, 180);
    private static final Color RED = new Color(200, 30, 30);
    private static final Color GREY = new Color(140, 140, 140);
    private static final BasicStroke DOTTED = new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
            new float[] {2f, 3f}, 0f);

    private TunePlots() {
    }

    /** The validation curve of one knob (see {@link KnobCurve}); vertical dotted lines mark the minimum and the 1-SE choice. */
    static XYChart validationCurve(String head, KnobCurve c) {
        String knob = c.knob().path();
        XYChart chart = new XYChartBuilder().width(W).height(H)
                .title(head + ": " + knob + (c.profile() ? " (profile over the other knobs)" : ""))
                .xAxisTitle(knob + (c.logX() ? " (log scale)" : "")).yAxisTitle("NLL").build();
        chart.getStyler().setAntiAlias(false);
        chart.getStyler().setXAxisLogarithmic(c.logX());
        // below the plot: inside, the legend hides the strong end of the curve, where the 1-SE choice usually is
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
        if (c.logX()) {
            chart.getStyler().setXAxisDecimalPattern("0.###E0");
        }
        chart.getStyler().setYAxisDecimalPattern("0.####");
        List<Double> x = new ArrayList<>();
        List<Double> cv = new ArrayList<>();
        List<Double> train = new ArrayList<>();
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (KnobCurve.Point p : c.points()) {
            x.add(p.value());
            cv.add(p.cv());
            train.add(p.train());
            lo = Math.min(lo, Math.min(p.cv() - p.se(), p.train()));
            hi = Math.max(hi, Math.max(p.cv() + p.se(), p.train()));
        }
        if (c.baseline() != null) {
            lo = Math.min(lo, c.baseline().meanValNll());
            hi = Math.max(hi, c.baseline().meanValNll());
        }
        if (x.size() > 1) {
            // the band as one closed polygon: upper edge left to right, lower edge back
            List<Double> bx = new ArrayList<>(x);
            List<Double> by = new ArrayList<>();
            c.points().forEach(p -> by.add(p.cv() + p.se()));
            for (int i = c.points().size() - 1; i >= 0; i--) {
                bx.add(x.get(i));
                by.add(c.points().get(i).cv() - c.points().get(i).se());
            }
            XYSeries band = chart.addSeries(BAND, bx, by);
            band.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.PolygonArea);
            band.setMarker(SeriesMarkers.NONE);
            band.setFillColor(new Color(31, 119, 180, 50));
            band.setLineColor(new Color(31, 119, 180, 0));
        }
        XYSeries cvSeries = chart.addSeries(CV, x, cv);
        cvSeries.setMarker(SeriesMarkers.CIRCLE).setMarkerColor(BLUE);
        cvSeries.setLineColor(BLUE);
        XYSeries trainSeries = chart.addSeries(TRAIN, x, train);
        trainSeries.setMarker(SeriesMarkers.NONE);
        trainSeries.setLineStyle(SeriesLines.DASH_DASH);
        trainSeries.setLineColor(GREY);
        double pad = hi > lo ? (hi - lo) * 0.05 : Math.max(Math.abs(hi) * 0.05, 1e-3);
        double y0 = lo - pad;
        double y1 = hi + pad;
        chart.getStyler().setYAxisMin(y0).setYAxisMax(y1);
        if (!x.isEmpty()) {
            List<Double> span = List.of(x.get(0), x.get(x.size() - 1));
            XYSeries t = chart.addSeries(THRESHOLD, span, List.of(c.threshold(), c.threshold()));
            t.setMarker(SeriesMarkers.NONE);
            t.setLineStyle(DOTTED);
            t.setLineColor(GREY);
        }
        marker(chart, c.minimum(), c, MIN, RED, y0, y1);
        marker(chart, c.oneSe(), c, ONE_SE, Color.BLACK, y0, y1);
        if (c.baseline() != null) {
            XYSeries b = chart.addSeries(BASELINE, List.of(c.baseline().config().value(c.knob())),
                    List.of(c.baseline().meanValNll()));
            b.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            b.setMarker(SeriesMarkers.TRIANGLE_UP).setMarkerColor(new Color(0, 130, 0));
        }
        return chart;
    }

    /** A vertical dotted line at the trial's value of the knob, and a marker at its mean CV NLL. */
    private static void marker(XYChart chart, TrialResult t, KnobCurve c, String name, Color color, double y0, double y1) {
        Double v = t.config().value(c.knob());
        if (v == null || (c.logX() && v <= 0)) {
            return;
        }
        XYSeries line = chart.addSeries(name + " line", List.of(v, v), List.of(y0, y1));
        line.setMarker(SeriesMarkers.NONE);
        line.setLineStyle(DOTTED);
        line.setLineColor(color);
        line.setShowInLegend(false);
        XYSeries m = chart.addSeries(name, List.of(v), List.of(t.meanValNll()));
        m.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        m.setMarker(SeriesMarkers.DIAMOND).setMarkerColor(color);
    }

    /**
     * Halving's rungs: each trial's mean CV NLL at every rung it ran (x: the rung's epochs), grey when it was
     * stopped (a cross where it stopped), blue when it ran the full budget; the baseline is left out (it only
     * runs the full budget).
     */
    static XYChart rungChart(String head, List<TrialResult> trials, String winnerId) {
        XYChart chart = new XYChartBuilder().width(W).height(H).title(head + ": successive halving, score per rung")
                .xAxisTitle("epochs (rung budget)").yAxisTitle("mean CV NLL").build();
        chart.getStyler().setAntiAlias(false);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        chart.getStyler().setYAxisDecimalPattern("0.####");
        List<Double> stopX = new ArrayList<>();
        List<Double> stopY = new ArrayList<>();
        List<Double> fullX = new ArrayList<>();
        List<Double> fullY = new ArrayList<>();
        for (TrialResult t : trials) {
            if (t.config().baseline() || t.rungs().isEmpty()) {
                continue;
            }
            List<Double> x = t.rungs().stream().map(r -> (double) r.epochs()).toList();
            List<Double> y = t.rungs().stream().map(RungScore::meanValNll).toList();
            boolean stopped = t.status() == TrialResult.Status.STOPPED;
            XYSeries s = chart.addSeries("trial " + t.id(), x, y);
            s.setMarker(SeriesMarkers.NONE);
            s.setLineColor(t.id().equals(winnerId) ? Color.BLACK : stopped ? GREY : BLUE);
            s.setShowInLegend(false);
            (stopped ? stopX : fullX).add(x.get(x.size() - 1));
            (stopped ? stopY : fullY).add(y.get(y.size() - 1));
        }
        scatter(chart, STOPPED, stopX, stopY, SeriesMarkers.CROSS, GREY);
        scatter(chart, FULL, fullX, fullY, SeriesMarkers.CIRCLE, BLUE);
        // pad the x range so the markers at the first and last rung are not cut by the axes
        double lo = trials.stream().flatMap(t -> t.rungs().stream()).mapToDouble(RungScore::epochs).min().orElse(0);
        double hi = trials.stream().flatMap(t -> t.rungs().stream()).mapToDouble(RungScore::epochs).max().orElse(1);
        double pad = Math.max((hi - lo) * 0.05, 0.5);
        chart.getStyler().setXAxisMin(lo - pad).setXAxisMax(hi + pad);
        return chart;
    }

    private static void scatter(XYChart chart, String name, List<Double> x, List<Double> y,
            org.knowm.xchart.style.markers.Marker marker, Color color) {
        if (x.isEmpty()) {
            return;
        }
        XYSeries s = chart.addSeries(name, x, y);
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        s.setMarker(marker).setMarkerColor(color);
    }

    /** Whether the trials ran more than one rung (a halving search), i.e. whether a rung chart says anything. */
    static boolean halved(List<TrialResult> trials) {
        return trials.stream().anyMatch(t -> t.rungs().size() > 1 || t.status() == TrialResult.Status.STOPPED);
    }

    static byte[] png(XYChart chart) throws IOException {
        System.setProperty("java.awt.headless", "true");
        return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
    }
}
