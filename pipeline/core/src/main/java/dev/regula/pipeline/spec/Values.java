package dev.regula.pipeline.spec;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Typed reads of spec values that name the key path and the expected type on a bad value. */
final class Values {
    private final Path file;

    Values(Path file) {
        this.file = file;
    }

    static String describe(JsonNode n) {
        if (n.isObject()) {
            return "a mapping";
        }
        if (n.isArray()) {
            return "a list";
        }
        return n.isTextual() ? "'" + n.asText() + "'" : n.toString();
    }

    private static JsonNode child(JsonNode parent, String key) {
        JsonNode n = parent == null ? null : parent.get(key);
        return n == null || n.isNull() ? null : n;
    }

    private static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    String string(JsonNode parent, String path, String key, String def) throws SpecException {
        JsonNode n = child(parent, key);
        if (n == null) {
            return def;
        }
        if (!n.isValueNode()) {
            throw new SpecException(file, join(path, key), "expected a string, got " + describe(n), "a string", describe(n));
        }
        return n.asText();
    }

    String required(JsonNode parent, String path, String key) throws SpecException {
        String v = string(parent, path, key, null);
        if (v == null || v.isBlank()) {
            throw new SpecException(file, join(path, key), "required, and missing", "a value", v == null ? null : "'" + v + "'");
        }
        return v;
    }

    boolean bool(JsonNode parent, String path, String key, boolean def) throws SpecException {
        JsonNode n = child(parent, key);
        if (n == null) {
            return def;
        }
        if (!n.isBoolean()) {
            throw new SpecException(file, join(path, key), "expected true or false, got " + describe(n), "true or false", describe(n));
        }
        return n.booleanValue();
    }

    double number(JsonNode parent, String path, String key, double def, double min, double max, boolean maxOpen)
            throws SpecException {
        JsonNode n = child(parent, key);
        if (n == null) {
            return def;
        }
        if (!n.isNumber()) {
            throw new SpecException(file, join(path, key), "expected a number, got " + describe(n), "a number", describe(n));
        }
        double v = n.doubleValue();
        if (!(v >= min) || (maxOpen ? !(v < max) : !(v <= max))) {
            String range = "[" + fmt(min) + ", " + fmt(max) + (maxOpen ? ")" : "]");
            throw new SpecException(file, join(path, key), Values.fmt(v) + " is not in " + range, "a number in " + range, fmt(v));
        }
        return v;
    }

    Double optionalNumber(JsonNode parent, String path, String key, double min, double max) throws SpecException {
        return child(parent, key) == null ? null : number(parent, path, key, 0, min, max, false);
    }

    int integer(JsonNode parent, String path, String key, int def, int min) throws SpecException {
        JsonNode n = child(parent, key);
        if (n == null) {
            return def;
        }
        if (!n.isIntegralNumber() || !n.canConvertToInt()) {
            throw new SpecException(file, join(path, key), "expected a whole number, got " + describe(n), "a whole number", describe(n));
        }
        if (n.intValue() < min) {
            throw new SpecException(file, join(path, key), n.intValue() + " is not >= " + min, "a whole number >= " + min, String.valueOf(n.intValue()));
        }
        return n.intValue();
    }

    long longValue(JsonNode parent, String path, String key, long def) throws SpecException {
        JsonNode n = child(parent, key);
        if (n == null) {
            return def;
        }
        if (!n.isIntegralNumber() || !n.canConvertToLong()) {
            throw new SpecException(file, join(path, key), "expected a whole number, got " + describe(n), "a whole number", describe(n));
        }
        return n.longValue();
    }

    List<String> strings(JsonNode parent, String path, String key) throws SpecException {
        JsonNode n = child(parent, key);
        List<String> out = new ArrayList<>();
        if (n == null) {
            return out;
        }
        if (!n.isArray()) {
            throw new SpecException(file, join(path, key), "expected a list of strings, got " + describe(n), "a list of strings", describe(n));
        }
        for (int i = 0; i < n.size(); i++) {
            if (!n.get(i).isValueNode()) {
                throw new SpecException(file, join(path, key) + "[" + i + "]", "expected a string, got " + describe(n.get(i)), "a string",
                        describe(n.get(i)));
            }
            out.add(n.get(i).asText());
        }
        return out;
    }

    /** Parses a string with a parser that throws IllegalArgumentException on a bad value. */
    <T> T parsed(JsonNode parent, String path, String key, String def, Function<String, T> parser) throws SpecException {
        String s = string(parent, path, key, def);
        if (s == null) {
            return null;
        }
        try {
            return parser.apply(s);
        } catch (IllegalArgumentException e) {
            throw new SpecException(file, join(path, key), e.getMessage(), e);
        }
    }

    static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
