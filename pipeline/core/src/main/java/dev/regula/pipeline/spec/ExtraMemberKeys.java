package dev.regula.pipeline.spec;

import com.fasterxml.jackson.databind.JsonNode;
import dev.regula.ensemble.MemberFactory;
import dev.regula.pipeline.RegulaException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/** The keys of {@code ensemble:} that add members: {@code seeds}, {@code bagging}, {@code snapshots}, {@code soup}. */
final class ExtraMemberKeys {
    private ExtraMemberKeys() {
    }

    static EnsembleConfig.Snapshots snapshots(SpecKey at, JsonNode n, List<String> heads) throws RegulaException {
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isObject() || !n.has("head") || !n.has("cycles") || !n.has("epochs_per_cycle")) {
            throw at.fail("expected a mapping {head: NAME, cycles: N, epochs_per_cycle: E}, got " + n);
        }
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!EnsembleConfig.Snapshots.KEYS.contains(k)) {
                throw at.child("." + k).fail(Levenshtein.unknownKey(k, EnsembleConfig.Snapshots.KEYS));
            }
        }
        JsonNode h = n.get("head");
        if (!h.isTextual() || !heads.contains(h.asText())) {
            throw at.child(".head").fail(h + " is not a trained head; the heads are " + heads);
        }
        JsonNode c = n.get("cycles");
        if (!c.canConvertToExactIntegral() || c.asInt() < 1 || c.asInt() > 100) {
            throw at.child(".cycles").fail(c + " is not an integer in [1, 100]");
        }
        JsonNode e = n.get("epochs_per_cycle");
        if (!e.canConvertToExactIntegral() || e.asInt() < 1 || e.asInt() > 10_000) {
            throw at.child(".epochs_per_cycle").fail(e + " is not an integer in [1, 10000]");
        }
        return new EnsembleConfig.Snapshots(h.asText(), c.asInt(), e.asInt());
    }

    /** {@code soup:}; {@code of} names trained heads or the extra members {@code config} adds, or one group of them. */
    static EnsembleConfig.Soup soup(SpecKey at, JsonNode n, List<String> heads, EnsembleConfig config) throws RegulaException {
        if (!n.isObject() || !n.has("of")) {
            throw at.fail("expected a mapping {of: [NAME, ...] | snapshots | seeds | bagging, "
                    + "kind: uniform | greedy}, got " + n);
        }
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!EnsembleConfig.Soup.KEYS.contains(k)) {
                throw at.child("." + k).fail(Levenshtein.unknownKey(k, EnsembleConfig.Soup.KEYS));
            }
        }
        boolean greedy = false;
        if (n.has("kind")) {
            String k = n.get("kind").asText();
            if (!k.equals("uniform") && !k.equals("greedy")) {
                throw at.child(".kind").fail(n.get("kind") + ", expected uniform or greedy");
            }
            greedy = k.equals("greedy");
        }
        List<String> extra = new ArrayList<>(config.seedNames());
        extra.addAll(config.baggingNames());
        extra.addAll(config.snapshotNames());
        JsonNode of = n.get("of");
        if (of.isTextual()) {
            String g = of.asText();
            List<String> names = switch (g) {
                case "snapshots" -> config.snapshotNames();
                case "seeds" -> config.seedNames();
                case "bagging" -> config.baggingNames();
                default -> throw at.child(".of").fail("'" + g + "', expected a list of member names or one of "
                        + EnsembleConfig.Soup.GROUPS);
            };
            if (names.isEmpty()) {
                throw at.child(".of").fail("'" + g + "' names the " + g + " members, but the ensemble has no " + g
                        + " key");
            }
            return new EnsembleConfig.Soup(names, g, greedy);
        }
        if (!of.isArray() || of.isEmpty()) {
            throw at.child(".of").fail("expected a non-empty list of member names or one of " + EnsembleConfig.Soup.GROUPS
                    + ", got " + of);
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < of.size(); i++) {
            JsonNode m = of.get(i);
            if (!m.isTextual() || !(heads.contains(m.asText()) || extra.contains(m.asText()))) {
                List<String> known = new ArrayList<>(heads);
                known.addAll(extra);
                throw at.child(".of[" + i + "]").fail(m + " is not a trained head or extra member; expected one of "
                        + known);
            }
            if (names.contains(m.asText())) {
                throw at.child(".of[" + i + "]").fail("'" + m.asText() + "' is listed twice");
            }
            names.add(m.asText());
        }
        return new EnsembleConfig.Soup(names, null, greedy);
    }

    static EnsembleConfig.Extra extra(SpecKey at, JsonNode n, List<String> heads, boolean bagging) throws RegulaException {
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isObject() || !n.has("head") || !n.has("count")) {
            throw at.fail("expected a mapping {head: NAME, count: N" + (bagging ? ", early_stopping: oob|val" : "")
                    + "}, got " + n);
        }
        List<String> keys = bagging ? EnsembleConfig.Extra.BAGGING_KEYS : EnsembleConfig.Extra.KEYS;
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!keys.contains(k)) {
                throw at.child("." + k).fail(Levenshtein.unknownKey(k, keys));
            }
        }
        MemberFactory.StopOn stopOn = null;
        if (bagging) {
            String s = n.has("early_stopping") ? n.get("early_stopping").asText() : "oob";
            if (!s.equals("oob") && !s.equals("val")) {
                throw at.child(".early_stopping").fail(n.get("early_stopping") + ", expected oob or val");
            }
            stopOn = MemberFactory.StopOn.valueOf(s.toUpperCase(Locale.ROOT));
        }
        JsonNode h = n.get("head");
        if (!h.isTextual() || !heads.contains(h.asText())) {
            throw at.child(".head").fail(h + " is not a trained head; the heads are " + heads);
        }
        JsonNode c = n.get("count");
        if (!c.canConvertToExactIntegral() || c.asInt() < 1 || c.asInt() > 100) {
            throw at.child(".count").fail(c + " is not an integer in [1, 100]");
        }
        return new EnsembleConfig.Extra(h.asText(), c.asInt(), stopOn);
    }
}
