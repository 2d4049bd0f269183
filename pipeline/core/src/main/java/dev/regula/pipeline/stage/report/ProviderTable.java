package dev.regula.pipeline.stage.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The report page's parity-and-latency table: one column per execution provider that validate
 * tried (skipped ones say why), parity rows from validate's {@code report.json}, and the measured
 * latency and throughput rows from its manifest inside one {@code <tbody id="measured-timings">}
 * between {@link ReportStep#TIMINGS_BEGIN} and {@link ReportStep#TIMINGS_END}.
 */
final class ProviderTable {
    private ProviderTable() {
    }

    static void append(StringBuilder html, JsonNode report, Map<String, Object> timings) {
        JsonNode parity = report.path("parity_by_provider");
        JsonNode skipped = report.path("providers_skipped");
        List<String> columns = new ArrayList<>();
        parity.fieldNames().forEachRemaining(columns::add);
        skipped.fieldNames().forEachRemaining(columns::add);
        columns.sort((a, b) -> Integer.compare(order(a), order(b)));
        html.append("<h2>Parity and latency per execution provider</h2>\n")
                .append("<p>The exported model on ONNX Runtime against the Java reference (stored features through the ")
                .append("DJL head or ensemble) on the ").append(report.path("test_rows").asInt()).append(" test rows; tolerances atol ")
                .append(sci(report.at("/parity/atol").asDouble())).append(", rtol ").append(sci(report.at("/parity/rtol").asDouble()));
        if (report.has("cuda_tf32")) {
            html.append("; CUDA TF32 ").append(report.path("cuda_tf32").asBoolean() ? "on" : "off");
        }
        html.append(".</p>\n<table class=\"providers\">\n<thead><tr><th></th>");
        for (String c : columns) {
            html.append("<th>").append(ReportPage.esc(c)).append("</th>");
        }
        html.append("</tr></thead>\n<tbody>\n");
        row(html, "execution provider", columns, c -> parity.has(c) ? ReportPage.esc(parity.get(c).path("provider").asText())
                : "<span class=\"fail\">skipped: " + ReportPage.esc(skipped.path(c).asText()) + "</span>");
        row(html, "probabilities: max |abs error|", columns, c -> sci(parity, c, "max_abs_error"));
        row(html, "probabilities: max rel error", columns, c -> sci(parity, c, "max_rel_error"));
        row(html, "argmax agreement", columns, c -> fixed(parity, c, "argmax_agreement"));
        row(html, "label output agreement", columns, c -> fixed(parity, c, "label_agreement"));
        row(html, "within tolerance", columns, c -> !parity.has(c) ? "&mdash;" : parity.get(c).path("passed").asBoolean()
                ? "<span class=\"ok\">yes</span>" : "<span class=\"fail\">no</span>");
        html.append("</tbody>\n").append(ReportStep.TIMINGS_BEGIN).append("\n<tbody id=\"measured-timings\" class=\"timings\">\n");
        row(html, "latency p50, batch 1 (ms)", columns, c -> timing(timings, c, "latency_ms_p50", "%.3f"));
        row(html, "latency p95, batch 1 (ms)", columns, c -> timing(timings, c, "latency_ms_p95", "%.3f"));
        row(html, "throughput, batch " + firstBatch(timings) + " (rows/s)", columns,
                c -> timing(timings, c, "throughput_per_second", "%.1f"));
        html.append("</tbody>\n").append(ReportStep.TIMINGS_END).append("\n</table>\n")
                .append("<p class=\"note\">Shaded rows are measured on the machine that ran validate, in that run ")
                .append("(encoded inputs, model call only); they differ between runs. Everything else on this page is ")
                .append("reproduced byte for byte by a rerun with the same spec, data and seed.</p>\n");
    }

    private interface Cell {
        String of(String column);
    }

    private static void row(StringBuilder html, String name, List<String> columns, Cell cell) {
        html.append("<tr><th>").append(ReportPage.esc(name)).append("</th>");
        for (String c : columns) {
            html.append("<td>").append(cell.of(c)).append("</td>");
        }
        html.append("</tr>\n");
    }

    private static int order(String provider) {
        return switch (provider) {
            case "cpu" -> 0;
            case "cuda" -> 1;
            default -> 2;
        };
    }

    private static String sci(JsonNode parity, String column, String key) {
        return parity.has(column) ? sci(parity.get(column).path(key).asDouble(Double.NaN)) : "&mdash;";
    }

    private static String fixed(JsonNode parity, String column, String key) {
        return parity.has(column) ? ReportPage.num(parity.get(column).path(key).asDouble(Double.NaN)) : "&mdash;";
    }

    private static String sci(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.2e", v);
    }

    private static String timing(Map<String, Object> timings, String column, String key, String format) {
        if (!(timings.get(column) instanceof Map<?, ?> t) || !(t.get(key) instanceof Number n)) {
            return "&mdash;";
        }
        return String.format(Locale.ROOT, format, n.doubleValue());
    }

    private static Object firstBatch(Map<String, Object> timings) {
        Object b = timings.get("throughput_batch");
        return b == null ? "?" : b;
    }
}
