package dev.regula.transfer.io;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.regula.models.AtomicFiles;
import dev.regula.models.Hashing;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The one owner of Regula's JSON mapper configurations (transfer, ensemble, the pipeline and its
 * front ends all take their mappers from here; models has no Jackson).
 *
 * <p>Each file format keeps the settings it was written with, because byte-identical reruns and
 * the hashes recorded in manifests depend on those bytes: a format is moved between configurations
 * only as a deliberate, versioned change, never as a side effect of sharing a mapper. Hence several
 * named configurations rather than one. The mappers are shared: never reconfigure one
 * ({@code configure}, {@code enable}, {@code setXxx}); derive a writer or reader instead.
 *
 * <p>YAML is not here: the spec reader keeps its own YAML mapper.
 */
public final class Json {
    /**
     * Jackson's defaults: one line, properties in declaration order, map entries in insertion order.
     * Trial lines and tune selections ({@code trials.jsonl}, {@code selection.json}), ONNX metadata of
     * an ensemble.
     */
    public static final ObjectMapper PLAIN = new ObjectMapper();

    /**
     * Two-space indent, properties in declaration order, map entries in insertion order.
     * A head's {@code history.json}, the ensemble's {@code report.json}.
     */
    public static final ObjectMapper INDENTED = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * Two-space indent, map entries sorted by key (object properties in declaration order).
     * The feature store's {@code manifest.json}, whose hash names the store.
     */
    public static final ObjectMapper SORTED_MAPS = new ObjectMapper()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * Canonical: object properties and map entries sorted by key, two-space indent. Every file a
     * pipeline stage writes, and the CLI's {@code --json} output; see {@link #bytes}.
     */
    public static final ObjectMapper CANONICAL = JsonMapper.builder()
            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    /**
     * For reading untrusted input a line at a time (JSON lines data): a duplicate key or anything
     * after the first value is an error rather than silently last-wins or ignored.
     */
    public static final ObjectMapper STRICT_LINES = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    /**
     * For binding trees to records (a spec's sections): an unknown property is an error. Stated
     * although it is Jackson's default, because the spec's key checks rely on it.
     */
    public static final ObjectMapper STRICT_BINDING = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private Json() {
    }

    /** Canonical bytes of a value ({@link #CANONICAL}, a JsonNode's object keys sorted too) and a final newline. */
    public static byte[] bytes(Object value) {
        return (canonical(value, true) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** Canonical indented JSON as text without the final newline, e.g. for a command's {@code --json} output. */
    public static String text(Object value) {
        return canonical(value, true);
    }

    /** One-line canonical JSON (sorted keys, no indent), e.g. for ONNX metadata values. */
    public static String compact(Object value) {
        return canonical(value, false);
    }

    /** SHA-256 of a value's canonical bytes. */
    public static String hash(Object value) {
        return Hashing.sha256(bytes(value));
    }

    /** Writes a value's canonical bytes through a temp file in the same folder and an atomic move. */
    public static void write(Path file, Object value) throws IOException {
        AtomicFiles.write(file, bytes(value));
    }

    /** Reads a file with the canonical mapper. */
    public static <T> T read(Path file, Class<T> type) throws IOException {
        return CANONICAL.readValue(file.toFile(), type);
    }

    // A JsonNode is converted to plain maps first: the tree serializer writes object keys in
    // insertion order and ignores ORDER_MAP_ENTRIES_BY_KEYS.
    private static String canonical(Object value, boolean indent) {
        try {
            Object v = value instanceof JsonNode n ? CANONICAL.treeToValue(n, Object.class) : value;
            return indent
                    ? CANONICAL.writeValueAsString(v)
                    : CANONICAL.writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsString(v);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not serializable as JSON: " + e.getOriginalMessage(), e);
        }
    }
}
