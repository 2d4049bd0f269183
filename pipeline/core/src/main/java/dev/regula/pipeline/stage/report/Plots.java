package dev.regula.pipeline.stage.report;

import dev.regula.transfer.train.EpochRecord;
import dev.regula.transfer.train.TrainingHistory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The report's PNG plots, drawn with XChart (headless). */
final class Plots {
    private static final int W = 640;
    private static final int H = 400;

    private Plots() {
    }

    /** Train (dashed) and validation NLL per epoch for every head; a diamond marks each head's chosen (restored) epoch. */
    static byte[] lossCurves(Map<String, TrainingHistory> histories) throws IOException {
        XYChart c = new XYChartBuilder().width(W).height(H).title("Loss per epoch").xAxisTitle("epoch")
                .yAxisTitle("NLL").build();
        c.getStyler().setAntiAlias(false);
        for (Map.Entry<String, TrainingHistory> e : histories.entrySet()) {
            List<Integer> epochs = new ArrayList<>();
            List<Double> train = new ArrayList<>();
            List<Double> val = new ArrayList<>();
            for (EpochRecord r : e.getValue().epochs()) {
                epochs.add(r.epoch());
                train.add(r.trainLoss());
                val.add(r.valLoss() == null ? Double.NaN : r.valLoss());
            }
            XYSeries t = c.addSeries(e.getKey() + " train", epochs, train);
            t.setMarker(SeriesMarkers.NONE);
            t.setLineStyle(org.knowm.xchart.style.lines.SeriesLines.DASH_DASH);
            c.addSeries(e.getKey() + " val", epochs, val).setMarker(SeriesMarkers.CIRCLE);
            int best = e.getValue().bestEpoch();
            for (EpochRecord r : e.getValue().epochs()) {
                if (r.epoch() == best && r.valLoss() != null) {
                    XYSeries chosen = c.addSeries(e.getKey() + " chosen epoch " + best, List.of(best), List.of(r.valLoss()));
                    chosen.setMarker(SeriesMarkers.DIAMOND);
                    chosen.setMarkerColor(java.awt.Color.BLACK);
                    chosen.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
                }
            }
        }
        return BitmapEncoder.getBitmapBytes(c, BitmapEncoder.BitmapFormat.PNG);
    }

    /** Reliability diagram: accuracy against mean confidence per bin, with the diagonal. */
    static byte[] reliability(List<double[]> bins) throws IOException {
        return reliability(bins, "Reliability (test, exported model on ONNX Runtime)");
    }

    /** The reliability diagram under another title (what produced the probabilities). */
    static byte[] reliability(List<double[]> bins, String title) throws IOException {
        XYChart c = new XYChartBuilder().width(W).height(H).title(title)
                .xAxisTitle("confidence").yAxisTitle("accuracy").build();
        c.getStyler().setAntiAlias(false);
        c.getStyler().setXAxisMin(0.0).setXAxisMax(1.0).setYAxisMin(0.0).setYAxisMax(1.0);
        c.addSeries("perfect calibration", List.of(0.0, 1.0), List.of(0.0, 1.0)).setMarker(SeriesMarkers.NONE);
        if (!bins.isEmpty()) {
            c.addSeries("model", bins.stream().map(b -> b[0]).toList(), bins.stream().map(b -> b[1]).toList())
                    .setMarker(SeriesMarkers.CIRCLE);
        }
        return BitmapEncoder.getBitmapBytes(c, BitmapEncoder.BitmapFormat.PNG);
    }

    /** Validation accuracy of each head at its kept epoch. */
    static byte[] headAccuracy(Map<String, Double> valAccuracy) throws IOException {
        CategoryChart c = new CategoryChartBuilder().width(W).height(H).title("Validation accuracy per head")
                .xAxisTitle("head").yAxisTitle("accuracy").build();
        c.getStyler().setAntiAlias(false);
        c.getStyler().setLegendVisible(false);
        c.addSeries("val accuracy", new ArrayList<>(valAccuracy.keySet()), new ArrayList<>(valAccuracy.values()));
        return BitmapEncoder.getBitmapBytes(c, BitmapEncoder.BitmapFormat.PNG);
    }
}
