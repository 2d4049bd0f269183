package dev.regula.pipeline.spec;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The keys a spec may hold, as a tree, so that an unknown key is reported with its full path and
 * the closest valid key before any value is read. Sections mapped onto transfer's records take
 * their keys from the records' {@code @JsonProperty} names, so the two cannot drift apart.
 */
final class KeySchema {
    private enum Kind { LEAF, ANY, OBJECT, LIST_OR_ONE, OBJECT_OR_TEXT, OBJECT_OR_SCALAR }

    private final Kind kind;
    private final Map<String, KeySchema> keys;
    private final KeySchema element;

    private KeySchema(Kind kind, Map<String, KeySchema> keys, KeySchema element) {
        this.kind = kind;
        this.keys = keys;
        this.element = element;
    }

    /** A scalar or list of scalars: its value is checked when it is read. */
    static KeySchema leaf() {
        return new KeySchema(Kind.LEAF, Map.of(), null);
    }

    /** A section whose keys belong to another module (checked there). */
    static KeySchema any() {
        return new KeySchema(Kind.ANY, Map.of(), null);
    }

    static KeySchema object(Map<String, KeySchema> keys) {
        return new KeySchema(Kind.OBJECT, new LinkedHashMap<>(keys), null);
    }

    /** A mapping of these keys, or a word (such as {@code auto}) whose value is checked when it is read. */
    static KeySchema objectOrText(Map<String, KeySchema> keys) {
        return new KeySchema(Kind.OBJECT_OR_TEXT, new LinkedHashMap<>(keys), null);
    }

    /** A mapping of these keys, or any scalar (such as {@code unfreeze: 2}) whose value is checked when it is read. */
    static KeySchema objectOrScalar(Map<String, KeySchema> keys) {
        return new KeySchema(Kind.OBJECT_OR_SCALAR, new LinkedHashMap<>(keys), null);
    }

    /** One mapping of {@code element}'s keys, or a list of them. */
    static KeySchema listOrOne(KeySchema element) {
        return new KeySchema(Kind.LIST_OR_ONE, Map.of(), element);
    }

    /** The keys of a Jackson-mapped record: its components' {@code @JsonProperty} names, nested records recursed. */
    static Map<String, KeySchema> ofRecord(Class<?> type) {
        Map<String, KeySchema> keys = new LinkedHashMap<>();
        for (RecordComponent c : type.getRecordComponents()) {
            JsonProperty p = c.getAnnotation(JsonProperty.class);
            if (p == null) {
                p = c.getAccessor().getAnnotation(JsonProperty.class);
            }
            String name = p != null && !p.value().isEmpty() ? p.value() : c.getName();
            keys.put(name, schemaOf(c.getGenericType()));
        }
        return keys;
    }

    private static KeySchema schemaOf(Type t) {
        if (t instanceof Class<?> c && c.isRecord() && hasJsonProperties(c)) {
            return object(ofRecord(c));
        }
        if (t instanceof ParameterizedType p && p.getRawType() == List.class
                && p.getActualTypeArguments()[0] instanceof Class<?> c && c.isRecord() && hasJsonProperties(c)) {
            return listOrOne(object(ofRecord(c)));
        }
        return leaf();
    }

    private static boolean hasJsonProperties(Class<?> c) {
        for (RecordComponent rc : c.getRecordComponents()) {
            if (rc.getAnnotation(JsonProperty.class) != null || rc.getAccessor().getAnnotation(JsonProperty.class) != null) {
                return true;
            }
        }
        return false;
    }

    /** The valid keys of an object schema. */
    List<String> keys() {
        return List.copyOf(keys.keySet());
    }

    /** Reports the first unknown key under {@code node}, depth first in document order. */
    void check(JsonNode node, String path, Path file) throws SpecException {
        if (node == null || node.isNull()) {
            return;
        }
        switch (kind) {
            case LEAF, ANY -> { }
            case OBJECT, OBJECT_OR_TEXT, OBJECT_OR_SCALAR -> {
                if (kind == Kind.OBJECT_OR_TEXT && node.isTextual() || kind == Kind.OBJECT_OR_SCALAR && node.isValueNode()) {
                    return;
                }
                if (!node.isObject()) {
                    throw new SpecException(file, path, "expected a mapping of keys " + keys.keySet() + ", got "
                            + Values.describe(node), "a mapping of keys " + keys.keySet(), Values.describe(node));
                }
                for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    String childPath = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
                    KeySchema child = keys.get(e.getKey());
                    if (child == null) {
                        throw new SpecException(file, childPath, Levenshtein.unknownKey(e.getKey(), keys.keySet()),
                                "one of " + keys.keySet(), e.getKey());
                    }
                    child.check(e.getValue(), childPath, file);
                }
            }
            case LIST_OR_ONE -> {
                if (node.isArray()) {
                    for (int i = 0; i < node.size(); i++) {
                        element.check(node.get(i), path + "[" + i + "]", file);
                    }
                } else {
                    element.check(node, path, file);
                }
            }
        }
    }
}
