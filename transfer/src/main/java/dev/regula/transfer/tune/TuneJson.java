package dev.regula.transfer.tune;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.regula.transfer.io.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON forms of trials ({@code trials.jsonl}, one line each) and of the selection
 * ({@code selection.json}). Keys are written in a fixed order from trees built here, numbers by Java's
 * shortest round-trip decimal, non-finite numbers as null, so equal results give equal bytes.
 */
public final class TuneJson {
    static final ObjectMapper MAPPER = Json.PLAIN;

    private TuneJson() {}

    /** One trial as a single JSON line (no newline). */
    public static String trialLine(TrialResult t) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("id", t.id());
        o.put("baseline", t.config().baseline());
        o.put("seed", t.config().seed());
        o.set("params", params(t.config()));
        o.put("rung", t.rung());
        o.put("status", t.status().jsonName());
        num(o, "mean_val_nll", t.meanValNll());
        num(o, "se", t.folds().size() < 2 ? Double.NaN : t.standardError());
        num(o, "mean_train_nll", t.meanTrainNll());
        num(o, "gap", t.gap());
        num(o, "mean_best_epoch", t.meanBestEpoch());
        ArrayNode folds = o.putArray("folds");
        for (FoldScore f : t.folds()) {
            ObjectNode n = folds.addObject();
            n.put("fold", f.fold());
            num(n, "val_nll", f.valNll());
            num(n, "train_nll", f.trainNll());
            n.put("best_epoch", f.bestEpoch());
            n.put("epochs", f.epochs());
        }
        ArrayNode rungs = o.putArray("rungs");
        for (RungScore r : t.rungs()) {
            ObjectNode n = rungs.addObject();
            n.put("rung", r.rung());
            n.put("epochs", r.epochs());
            num(n, "mean_val_nll", r.meanValNll());
        }
        return write(o);
    }

    /** Parses a line written by {@link #trialLine} (without out-of-fold probabilities). */
    public static TrialResult parseTrial(String line) {
        JsonNode o;
        try {
            o = MAPPER.readTree(line);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("trial line is not JSON: " + e.getOriginalMessage());
        }
        Map<Knob, Double> params = new LinkedHashMap<>();
        o.get("params").fields().forEachRemaining(e -> params.put(Knob.of(e.getKey()),
                e.getValue().isNull() ? null : e.getValue().asDouble()));
        TrialConfig config = new TrialConfig(params, o.get("seed").asLong(), o.get("baseline").asBoolean());
        if (!config.id().equals(o.get("id").asText())) {
            throw new IllegalArgumentException("trial line id " + o.get("id").asText() + " does not match its params (id "
                    + config.id() + "); the line was edited or written by another version");
        }
        List<FoldScore> folds = new ArrayList<>();
        for (JsonNode f : o.get("folds")) {
            folds.add(new FoldScore(f.get("fold").asInt(), dbl(f.get("val_nll")), dbl(f.get("train_nll")),
                    f.get("best_epoch").asInt(), f.get("epochs").asInt()));
        }
        List<RungScore> rungs = new ArrayList<>();
        for (JsonNode r : o.get("rungs")) {
            rungs.add(new RungScore(r.get("rung").asInt(), r.get("epochs").asInt(), dbl(r.get("mean_val_nll"))));
        }
        TrialResult.Status status = TrialResult.Status.valueOf(o.get("status").asText().toUpperCase(java.util.Locale.ROOT));
        return new TrialResult(config, o.get("rung").asInt(), status, folds, rungs, null);
    }

    static ObjectNode params(TrialConfig c) {
        ObjectNode p = MAPPER.createObjectNode();
        c.params().forEach((k, v) -> num(p, k.path(), v == null ? Double.NaN : v));
        return p;
    }

    static void num(ObjectNode o, String key, double v) {
        if (Double.isFinite(v)) {
            o.put(key, v);
        } else {
            o.putNull(key);
        }
    }

    private static double dbl(JsonNode n) {
        return n == null || n.isNull() ? Double.NaN : n.asDouble();
    }

    static String write(JsonNode n) {
        try {
            return MAPPER.writeValueAsString(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }
}
