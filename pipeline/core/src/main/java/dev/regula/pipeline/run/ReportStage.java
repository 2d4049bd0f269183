package dev.regula.pipeline.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.regula.pipeline.RegulaException;
import dev.regula.transfer.train.TrainedHead;
import dev.regula.transfer.train.TrainingHistory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * report: one self-contained {@code index.html} with the headline figures, the parity-and-latency
 * table per execution provider, a table of heads, and PNG plots embedded as data URIs (loss curves,
 * validation accuracy per head, reliability). Everything on the page is a function of the stage
 * payloads, except the measured latency and throughput, read from validate's manifest: those cells
 * sit in one element between {@link #TIMINGS_BEGIN} and {@link #TIMINGS_END}, the only bytes that
 * differ when validate reruns with the same inputs ({@link #maskTimings}).
 */
final class ReportStage implements Stage {
    static final String HTML = "index.html";
    /** Marks where the measured timings start; they differ from run to run. */
    static final String TIMINGS_BEGIN = "<!-- regula:measured-timings:begin -->";
    static final String TIMINGS_END = "<!-- regula:measured-timings:end -->";

    @Override
    public StageName name() {
        return StageName.REPORT;
    }

    @Override
    public List<StageName> upstream(StageContext ctx) {
        return ctx.spec().ensembleSection().isPresent()
                ? List.of(StageName.TRAIN, StageName.ENSEMBLE, StageName.EXPORT, StageName.VALIDATE)
                : List.of(StageName.TRAIN, StageName.EXPORT, StageName.VALIDATE);
    }

    @Override
    public JsonNode config(StageContext ctx) {
        ObjectNode c = JsonNodeFactory.instance.objectNode();
        c.set("report", ctx.spec().section("report"));
        c.set("gates", ctx.spec().section("validate") == null ? null : ctx.spec().section("validate").get("gates"));
        return c;
    }

    /**
     * The timings shown come from validate's manifest, which its output hash does not cover; hashing
     * them here makes the page rerun whenever validate did, so it never shows another run's timings.
     */
    @Override
    public Map<String, String> externalInputs(StageContext ctx) throws RegulaException {
        return Map.of("validate.timings", Json.hash(Json.MAPPER.valueToTree(validateTimings(ctx))));
    }

    private static Map<String, Object> validateTimings(StageContext ctx) throws RegulaException {
        Path f = ctx.dir(StageName.VALIDATE).resolve(Manifest.FILE);
        if (!Files.isRegularFile(f)) {
            return Map.of(); // validate has not run yet in this work folder; the runner runs it first
        }
        try {
            return Json.read(f, Manifest.class).timings();
        } catch (IOException e) {
            throw new RegulaException("report: cannot read " + f + ": " + e.getMessage(), e);
        }
    }

    /** The page with the measured-timings element's content blanked: what stays byte-identical across reruns. */
    static String maskTimings(String html) {
        int b = html.indexOf(TIMINGS_BEGIN);
        int e = html.indexOf(TIMINGS_END);
        if (b < 0 || e < b) {
            return html;
        }
        return html.substring(0, b + TIMINGS_BEGIN.length()) + "(masked)" + html.substring(e);
    }

    @Override
    public Map<String, Object> run(StageContext ctx, Path staging) throws RegulaException {
        System.setProperty("java.awt.headless", "true");
        Map<String, TrainedHead> heads = TrainStage.heads(ctx);
        Path reportFile = ctx.dir(StageName.VALIDATE).resolve(ValidateStage.REPORT);
        try {
            JsonNode v = Json.MAPPER.readTree(reportFile.toFile());
            Map<String, TrainingHistory> histories = new LinkedHashMap<>();
            Map<String, Double> valAcc = new LinkedHashMap<>();
            heads.forEach((n, h) -> {
                histories.put(n, h.history());
                Double a = h.history().best().valAccuracy();
                valAcc.put(n, a == null ? Double.NaN : a);
            });
            List<double[]> bins = new ArrayList<>();
            v.path("calibration").forEach(b -> bins.add(new double[] {b.get("mean_confidence").asDouble(), b.get("accuracy").asDouble()}));
            List<String> failures = Gates.failures(ctx.spec().validate().gates(), v);
            StringBuilder html = new StringBuilder();
            String title = ctx.spec().report().path("title").asText("Regula report");
            html.append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>").append(esc(title))
                    .append("</title>\n<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}"
                            + "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:right}"
                            + "th{background:#f4f4f4}tbody.timings td{background:#fffbe6}p.note{font-size:85%;color:#555}td.spec{text-align:left;font-size:80%;max-width:30em;word-break:break-all}.fail{color:#b00}.ok{color:#070}</style></head><body>\n");
            html.append("<h1>").append(esc(title)).append("</h1>\n");
            html.append("<p>Exported head: <b>").append(esc(v.path("head").asText())).append("</b>; test rows: ")
                    .append(v.path("test_rows").asInt()).append("; providers: ").append(esc(v.path("providers").toString()))
                    .append("</p>\n<h2>Test figures (exported model on ONNX Runtime)</h2>\n<table>\n");
            row(html, "accuracy", v.path("accuracy").asDouble());
            row(html, "macro-F1", v.path("macro_f1").asDouble());
            row(html, "NLL", v.path("nll").asDouble());
            row(html, "ECE", v.path("ece").asDouble());
            row(html, "train accuracy", v.path("train_accuracy").asDouble());
            row(html, "generalization gap", v.path("generalization_gap").asDouble());
            html.append("<tr><th>parity max |error|</th><td>")
                    .append(String.format(Locale.ROOT, "%.2e", v.at("/parity/max_abs_error").asDouble())).append("</td></tr>\n");
            row(html, "argmax agreement", v.at("/parity/argmax_agreement").asDouble());
            html.append("</table>\n");
            ProviderTable.append(html, v, validateTimings(ctx));
            html.append("<p>Gates: ").append(failures.isEmpty() ? "<span class=\"ok\">all passed</span>"
                    : "<span class=\"fail\">" + esc(String.join("; ", failures)) + "</span>").append("</p>\n");
            html.append("<h2>Heads</h2>\n<table><tr><th>head</th><th>kind</th><th>best epoch</th><th>train NLL</th>"
                    + "<th>val NLL</th><th>val accuracy</th><th>gap (val &minus; train NLL)</th><th>sparsity</th>"
                    + "<th>regularization</th></tr>\n");
            for (Map.Entry<String, TrainedHead> e : heads.entrySet()) {
                var b = e.getValue().history().best();
                html.append("<tr><td>").append(esc(e.getKey())).append("</td><td>")
                        .append(esc(e.getValue().spec().kind().yamlName() + e.getValue().spec().hiddenSizes()))
                        .append("</td><td>").append(e.getValue().history().bestEpoch()).append("</td><td>")
                        .append(num(b.trainLoss())).append("</td><td>").append(num(b.valLoss())).append("</td><td>")
                        .append(num(b.valAccuracy())).append("</td><td>")
                        .append(num(b.valLoss() == null ? null : b.valLoss() - b.trainLoss()))
                        .append("</td><td>").append(num(e.getValue().sparsity()))
                        .append("</td><td class=\"spec\">").append(esc(Json.compact(e.getValue().regularization())))
                        .append("</td></tr>\n");
            }
            html.append("</table>\n");
            if (ctx.spec().ensembleSection().isPresent()) {
                ensembleTable(html, Json.MAPPER.readTree(ctx.dir(StageName.ENSEMBLE).resolve(EnsembleStage.REPORT).toFile()));
            }
            html.append("<h2>Plots</h2>\n");
            img(html, "loss curves", Plots.lossCurves(histories));
            img(html, "validation accuracy per head", Plots.headAccuracy(valAcc));
            img(html, "reliability diagram", Plots.reliability(bins));
            provenance(html, ctx);
            html.append("</body></html>\n");
            Files.write(staging.resolve(HTML), html.toString().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new RegulaException("report: " + e.getMessage(), e);
        }
        ctx.log("report: " + HTML);
        return Map.of();
    }

    /** Where the exported model came from: its Regula metadata, which is deterministic for a given spec and data. */
    private static void provenance(StringBuilder html, StageContext ctx) throws IOException {
        Path model = ctx.dir(StageName.EXPORT).resolve(ExportStage.MODEL);
        Map<String, String> meta;
        try {
            meta = new java.util.TreeMap<>(dev.regula.models.OnnxModel.read(model).metadata());
        } catch (dev.regula.models.OnnxModelException e) {
            throw new IOException(e.getMessage(), e);
        }
        html.append("<h2>Provenance (metadata of ").append(esc(model.getFileName().toString())).append(")</h2>\n<table>\n");
        meta.forEach((k, val) -> html.append("<tr><th>").append(esc(k)).append("</th><td class=\"spec\">").append(esc(val))
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

    private static void img(StringBuilder html, String alt, byte[] png) {
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
