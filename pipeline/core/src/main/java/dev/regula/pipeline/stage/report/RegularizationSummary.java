package dev.regula.pipeline.stage.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.regula.pipeline.run.Json;
import dev.regula.transfer.regularize.RegularizationSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One readable line for a head's regularization, for the report's tables: only what is switched on,
 * in the spec's own words, e.g. {@code dropout standard 0.3 (input 0.1); weight_decay 0.01;
 * label_smoothing 0.05; early stop on val_loss, patience 4}. The full settings stay in the JSON files.
 */
final class RegularizationSummary {
    private RegularizationSummary() {
    }

    static String of(RegularizationSpec reg) {
        return of(Json.MAPPER.valueToTree(reg));
    }

    static String of(JsonNode r) {
        List<String> parts = new ArrayList<>();
        JsonNode d = r.path("dropout");
        String kind = d.path("kind").asText("none").toLowerCase(Locale.ROOT);
        if (!kind.equals("none") && (d.path("rate").asDouble() > 0 || d.path("input_rate").asDouble() > 0
                || kind.equals("variational"))) {
            StringBuilder s = new StringBuilder("dropout ").append(kind);
            if (kind.equals("variational")) {
                s.append(" (prune at log-alpha ").append(num(d.path("prune_threshold"))).append(')');
            } else {
                s.append(' ').append(num(d.path("rate")));
                if (d.path("input_rate").asDouble() > 0) {
                    s.append(" (input ").append(num(d.path("input_rate"))).append(')');
                }
                if (kind.equals("concrete")) {
                    s.append(", learned");
                }
            }
            parts.add(s.toString());
        }
        positive(parts, r, "l1");
        positive(parts, r, "l2");
        JsonNode en = r.path("elastic_net");
        if (en.isObject()) {
            parts.add("elastic_net " + num(en.path("alpha")) + " (l1_ratio " + num(en.path("l1_ratio")) + ")");
        }
        positive(parts, r, "weight_decay");
        JsonNode sp = r.path("l2_sp");
        if (sp.isObject()) {
            parts.add("l2_sp " + num(sp.path("lambda")) + (sp.path("model").isTextual() ? " toward " + sp.path("model").asText()
                    : " toward the initial head"));
        }
        if (r.path("max_norm").isNumber()) {
            parts.add("max_norm " + num(r.path("max_norm")));
        }
        positive(parts, r, "label_smoothing");
        JsonNode cw = r.path("class_weights");
        if (!cw.isNull() && !cw.isMissingNode()) {
            parts.add("class_weights " + (cw.isTextual() ? cw.asText() : Json.compact(cw)));
        }
        if (r.path("include_bias").asBoolean() && parts.stream().anyMatch(p -> p.startsWith("l1") || p.startsWith("l2")
                || p.startsWith("elastic") || p.startsWith("weight_decay"))) {
            parts.add("biases penalised too");
        }
        JsonNode es = r.path("early_stopping");
        if (es.isObject()) {
            String s = "early stop on " + es.path("metric").asText() + ", patience " + es.path("patience").asInt();
            parts.add(es.path("min_delta").asDouble() > 0 ? s + ", min_delta " + num(es.path("min_delta")) : s);
        }
        return parts.isEmpty() ? "none" : String.join("; ", parts);
    }

    private static void positive(List<String> parts, JsonNode r, String key) {
        if (r.path(key).asDouble() > 0) {
            parts.add(key + " " + num(r.path(key)));
        }
    }

    /** Shortest form that reads back to the same double: 0.01, 1.0E-4. */
    private static String num(JsonNode n) {
        double v = n.asDouble();
        return v == Math.rint(v) && Math.abs(v) < 1e6 ? Long.toString((long) v) : Double.toString(v);
    }
}
