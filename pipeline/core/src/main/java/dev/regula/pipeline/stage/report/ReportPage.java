package dev.regula.pipeline.stage.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.regula.models.OnnxModel;
import dev.regula.models.OnnxModelException;
import dev.regula.transfer.train.TrainedHead;
import dev.regula.transfer.train.TrainingHistory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The report page: one self-contained {@code index.html} with the headline figures, the
 * parity-and-latency table per execution provider, a table of heads, the ensemble comparison, PNG
 * plots embedded as data URIs (loss curves, validation accuracy per head, reliability) and the
 * exported model's provenance. Everything on the page is a function of its inputs; the measured
 * latency and throughput sit in one element between {@link ReportStep#TIMINGS_BEGIN} and
 * {@link ReportStep#TIMINGS_END}.
 *
 * @param title the page title
 * @param heads the trained heads, in table order
 * @param figures validate's {@code report.json}, or (when {@code validated} is false) the same keys
 *     computed by the Java reference on the stored test features, without parity
 * @param validated whether {@code figures} come from the validate stage (ONNX Runtime, with parity)
 * @param timings validate's measured timings (its manifest's), empty when not validated
 * @param gateFailures one line per failed gate; empty when all passed or none was set
 * @param ensembleReport the ensemble stage's {@code report.json}, or null for no ensemble table
 * @param model the exported {@code model.onnx} whose metadata is the provenance
 * @param tune the tune stage's folder, or null for no regularization-search section ({@link TuneReportSection})
 */
record ReportPage(String title, Map<String, TrainedHead> heads, JsonNode figures, boolean validated,
                  Map<String, Object> timings, List<String> gateFailures, JsonNode ensembleReport, Path model, Path tune) {
    private static final String STYLE = "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}"
            + "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:right}"
            + "th{background:#f4f4f4}tbody.timings td{background:#fffbe6}p.note{font-size:85%;color:#555}"
            + "td.spec{text-align:left;font-size:80%;max-width:30em;overflow-wrap:anywhere}.fail{color:#b00}.ok{color:#070}"
            + "td.verdict{text-align:left}"
            + "</style>";

    String html() throws IOException {
        System.setProperty("java.awt.headless", "true");
        JsonNode v = figures;
        Map<String, TrainingHistory> histories = new LinkedHashMap<>();
        Map<String, Double> valAcc = new LinkedHashMap<>();
        heads.forEach((n, h) -> {
            histories.put(n, h.history());
            Double a = h.history().best().valAccuracy();
            valAcc.put(n, a == null ? Double.NaN : a);
        });
        List<double[]> bins = new ArrayList<>();
        v.path("calibration").forEach(b -> bins.add(new double[] {b.get("mean_confidence").asDouble(), b.get("accuracy").asDouble()}));
        StringBuilder html = new StringBuilder();
        html.append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>").append(esc(title))
                .append("</title>\n").append(STYLE).append("</head><body>\n");
        html.append("<h1>").append(esc(title)).append("</h1>\n");
        html.append("<p>Exported head: <b>").append(esc(v.path("head").asText())).append("</b>; features: <b>")
                .append(esc(featureKind())).append("</b>; test rows: ").append(v.path("test_rows").asInt());
        if (validated) {
            html.append("; providers: ").append(esc(v.path("providers").toString()))
                    .append("</p>\n<h2>Test figures (exported model on ONNX Runtime)</h2>\n<table>\n");
        } else {
            html.append("</p>\n<h2>Test figures (Java reference on the stored test features)</h2>\n<table>\n");
        }
        row(html, "accuracy", v.path("accuracy").asDouble());
        row(html, "macro-F1", v.path("macro_f1").asDouble());
        row(html, "NLL", v.path("nll").asDouble());
        row(html, "ECE", v.path("ece").asDouble());
        row(html, "train accuracy", v.path("train_accuracy").asDouble());
        row(html, "generalization gap", v.path("generalization_gap").asDouble());
        if (validated) {
            html.append("<tr><th>parity max |error|</th><td>")
                    .append(String.format(Locale.ROOT, "%.2e", v.at("/parity/max_abs_error").asDouble())).append("</td></tr>\n");
            row(html, "argmax agreement", v.at("/parity/argmax_agreement").asDouble());
        }
        html.append("</table>\n");
        if (validated) {
            ProviderTable.append(html, v, timings);
        } else {
            html.append("<h2>Parity and latency per execution provider</h2>\n<p class=\"note\">Not shown: no validate ")
                    .append("stage output was given, so the exported model was not run on ONNX Runtime for this page. ")
                    .append("The figures above are the exported head or ensemble's Java reference (DJL) on the stored ")
                    .append("test features. Give the folder of a pipeline's validate stage for parity and latency.</p>\n");
        }
        html.append("<p>Gates: ").append(gateFailures.isEmpty() ? "<span class=\"ok\">all passed</span>"
                : "<span class=\"fail\">" + esc(String.join("; ", gateFailures)) + "</span>").append("</p>\n");
        headsTable(html);
        if (ensembleReport != null) {
            ensembleTable(html, ensembleReport);
        }
        html.append("<h2>Plots</h2>\n");
        img(html, "loss curves", Plots.lossCurves(histories));
        img(html, "validation accuracy per head", Plots.headAccuracy(valAcc));
        img(html, "reliability diagram", validated ? Plots.reliability(bins)
                : Plots.reliability(bins, "Reliability (test, Java reference on stored features)"));
        if (tune != null) {
            html.append(tuneSection());
        }
        provenance(html);
        html.append("</body></html>\n");
        return html.toString();
    }

    private void headsTable(StringBuilder html) {
        html.append("<h2>Heads</h2>\n<table><tr><th>head</th><th>kind</th><th>best epoch</th><th>train NLL</th>"
                + "<th>val NLL</th><th>val accuracy</th><th>gap (val &minus; train NLL)</th><th>sparsity</th>"
                + "<th>regularization</th></tr>\n");
        for (Map.Entry<String, TrainedHead> e : heads.entrySet()) {
            var b = e.getValue().history().best();
            html.append("<tr><td>").append(esc(e.getKey())).append("</td><td>")
                    .append(esc(e.getValue().spec().kind().yamlName()
                            + (e.getValue().spec().hiddenSizes().isEmpty() ? "" : e.getValue().spec().hiddenSizes().toString())))
                    .append("</td><td>").append(e.getValue().history().bestEpoch()).append("</td><td>")
                    .append(num(b.trainLoss())).append("</td><td>").append(num(b.valLoss())).append("</td><td>")
                    .append(num(b.valAccuracy())).append("</td><td>")
                    .append(num(b.valLoss() == null ? null : b.valLoss() - b.trainLoss()))
                    .append("</td><td>").append(num(e.getValue().sparsity()))
                    .append("</td><td class=\"spec\">").append(esc(RegularizationSummary.of(e.getValue().regularization())))
                    .append("</td></tr>\n");
        }
        html.append("</table>\n");
    }

    /** Metadata values longer than this are folded into a {@code <details>} element. */
    private static final int LONG_VALUE = 300;

    /**
     * The feature kind and, for lexical and hybrid, the vocabulary size, read from the exported model's
     * metadata (a lexical model records its vocabulary; a hybrid one also its kind and neural width).
     */
    private String featureKind() throws IOException {
        Map<String, String> meta;
        try {
            meta = OnnxModel.read(model).metadata();
        } catch (OnnxModelException e) {
            throw new IOException(e.getMessage(), e);
        }
        String vocab = meta.get("regula.lexical.vocabulary_size");
        if (vocab == null) {
            return "neural";
        }
        String kind = meta.getOrDefault("regula.feature.kind", "lexical");
        String neural = meta.get("regula.hybrid.neural_dim");
        return kind + " (" + (neural == null ? "" : neural + " neural + ") + "vocabulary " + vocab + " n-grams)";
    }

    /** Where the exported model came from: its Regula metadata, which is deterministic for a given spec and data. */
    private void provenance(StringBuilder html) throws IOException {
        Map<String, String> meta;
        try {
            meta = new TreeMap<>(OnnxModel.read(model).metadata());
        } catch (OnnxModelException e) {
            throw new IOException(e.getMessage(), e);
        }
        html.append("<h2>Provenance (metadata of ").append(esc(model.getFileName().toString())).append(")</h2>\n<table>\n");
        // long values (the ensemble's members and combiner as JSON) fold away, so the table stays readable
        meta.forEach((k, val) -> html.append("<tr><th>").append(esc(k)).append("</th><td class=\"spec\">")
                .append(val.length() <= LONG_VALUE ? esc(val) : "<details><summary>" + val.length() + " characters</summary>"
                        + esc(val) + "</details>")
                .append("</td></tr>\n"));
        html.append("</table>\n");
    }

    /** Test metrics of the members, the best single member (by validation NLL) and every combiner. */
    private static void ensembleTable(StringBuilder html, JsonNode r) {
        JsonNode t = r.path("test");
        html.append("<h2>Ensemble (test split)</h2>\n<p>Exported combiner: <b>").append(esc(r.path("exported").asText()))
                .append("</b>; best single member by validation NLL: <b>").append(esc(t.path("best_single").asText()))
                .append("</b></p>\n<table><tr><th>model</th><th>accuracy</th><th>macro-F1</th><th>NLL</th><th>Brier</th>"
                        + "<th>ECE</th></tr>\n");
        t.path("members").fields().forEachRemaining(e -> metricsRow(html, "member " + e.getKey(), e.getValue()));
        metricsRow(html, "best single (" + t.path("best_single").asText() + ")", t.path("best_single_metrics"));
        t.path("combiners").fields().forEachRemaining(e -> metricsRow(html, "combiner " + e.getKey()
                + (e.getKey().equals(r.path("exported").asText()) ? " (exported)" : ""), e.getValue()));
        html.append("</table>\n");
    }

    private static void metricsRow(StringBuilder html, String name, JsonNode m) {
        html.append("<tr><th>").append(esc(name)).append("</th>");
        for (String k : List.of("accuracy", "macro_f1", "nll", "brier", "ece")) {
            html.append("<td>").append(num(m.path(k).asDouble())).append("</td>");
        }
        html.append("</tr>\n");
    }

    private static void row(StringBuilder html, String name, double value) {
        html.append("<tr><th>").append(esc(name)).append("</th><td>").append(num(value)).append("</td></tr>\n");
    }

    /** The tune section; a read failure is an I/O failure of the page, with the file named. */
    private String tuneSection() throws IOException {
        try {
            return TuneReportSection.render(tune);
        } catch (dev.regula.pipeline.RegulaException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    static void img(StringBuilder html, String alt, byte[] png) {
        html.append("<p><img alt=\"").append(esc(alt)).append("\" src=\"data:image/png;base64,")
                .append(Base64.getEncoder().encodeToString(png)).append("\"></p>\n");
    }

    static String num(Double v) {
        return v == null || v.isNaN() ? "n/a" : String.format(Locale.ROOT, "%.4f", v);
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
