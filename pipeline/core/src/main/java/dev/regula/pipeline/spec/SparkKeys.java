package dev.regula.pipeline.spec;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code spark:} section: read here so that a spec is checked the same way whoever runs it, but used only
 * by the Spark adapter (pipeline/spark), which core does not know. Its key names are checked by
 * {@link SpecReader}'s key schema (did-you-mean included); this class checks the values.
 */
final class SparkKeys {
    /** The section's keys, in documentation order. */
    static final String MASTER = "master";
    static final String APP_NAME = "app_name";
    static final String CONF = "conf";

    private SparkKeys() {
    }

    /** The section, or null when absent. */
    static Sections.Spark read(Path file, JsonNode n) throws SpecException {
        if (n == null || n.isNull()) {
            return null;
        }
        Values v = new Values(file);
        String master = v.string(n, "spark", MASTER, null);
        if (master != null && master.isBlank()) {
            throw new SpecException(file, "spark.master", "must not be empty; expected a Spark master URL such as 'local[2]'",
                    "a master URL", "''");
        }
        String app = v.string(n, "spark", APP_NAME, null);
        Map<String, String> conf = new LinkedHashMap<>();
        JsonNode c = n.get(CONF);
        if (c != null && !c.isNull()) {
            if (!c.isObject()) {
                throw new SpecException(file, "spark.conf", "expected a mapping of Spark properties to values, got "
                        + Values.describe(c), "a mapping", Values.describe(c));
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = c.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String key = e.getKey();
                String path = "spark.conf." + key;
                if (!key.startsWith("spark.")) {
                    throw new SpecException(file, path, "Spark properties start with 'spark.' (did you mean 'spark." + key + "'?)",
                            "a key starting with 'spark.'", key);
                }
                if (key.equals("spark.master") || key.equals("spark.app.name")) {
                    String own = key.equals("spark.master") ? MASTER : APP_NAME;
                    throw new SpecException(file, path, "set by the section's own key; write 'spark." + own + "' instead",
                            "spark." + own, key);
                }
                JsonNode val = e.getValue();
                if (val == null || !val.isValueNode() || val.isNull()) {
                    throw new SpecException(file, path, "expected a string, number or boolean, got " + Values.describe(val),
                            "a string, number or boolean", Values.describe(val));
                }
                conf.put(key, val.asText());
            }
        }
        return new Sections.Spark(master, app, conf);
    }
}
