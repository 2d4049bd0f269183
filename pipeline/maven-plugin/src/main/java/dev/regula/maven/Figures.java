package dev.regula.maven;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * Formats measured figures for build output: the scalar ones, sorted by name, nested objects
 * flattened ({@code parity.max_abs_error}); lists (calibration bins, providers) are left to the
 * JSON files the run writes.
 */
final class Figures {
    private Figures() {
    }

    /** From a validation report as a map (what {@code GateFailedException.figures()} holds). */
    static String of(Map<String, ?> figures) {
        Map<String, Number> flat = new TreeMap<>();
        flatten("", figures, flat);
        return format(flat);
    }

    /** From a validation report as JSON (the {@code validation} object of {@code summary.json}). */
    static String of(JsonNode report) {
        Map<String, Number> flat = new TreeMap<>();
        flatten("", report, flat);
        return format(flat);
    }

    private static void flatten(String prefix, Map<?, ?> m, Map<String, Number> out) {
        m.forEach((k, v) -> {
            if (v instanceof Number n) {
                out.put(prefix + k, n);
            } else if (v instanceof Map<?, ?> sub) {
                flatten(prefix + k + ".", sub, out);
            }
        });
    }

    private static void flatten(String prefix, JsonNode node, Map<String, Number> out) {
        node.fields().forEachRemaining(f -> {
            if (f.getValue().isNumber()) {
                out.put(prefix + f.getKey(), f.getValue().numberValue());
            } else if (f.getValue().isObject()) {
                flatten(prefix + f.getKey() + ".", f.getValue(), out);
            }
        });
    }

    private static String format(Map<String, Number> flat) {
        StringJoiner j = new StringJoiner(", ");
        flat.forEach((k, v) -> j.add(v instanceof Double || v instanceof Float
                ? String.format(Locale.ROOT, "%s=%.4g", k, v.doubleValue())
                : k + "=" + v));
        return j.toString();
    }
}
