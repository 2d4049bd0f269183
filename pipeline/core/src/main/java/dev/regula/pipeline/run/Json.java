package dev.regula.pipeline.run;

import dev.regula.models.AtomicFiles;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.regula.models.Hashing;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Canonical JSON: keys sorted (object properties and map entries alike), two-space indent, a final
 * newline. The same value always gives the same bytes, which byte-identical reruns rely on.
 * The one JSON helper of the pipeline and its front ends (the CLI's {@code --json} output too).
 */
public final class Json {
    /** The canonical mapper; use it for every JSON file a stage writes. */
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    private Json() {
    }

    /** Canonical bytes of a value (a JsonNode's object keys sorted too). */
    public static byte[] bytes(Object value) {
        try {
            Object v = value instanceof JsonNode n ? MAPPER.treeToValue(n, Object.class) : value;
            return (MAPPER.writeValueAsString(v) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not serializable as JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** Canonical indented JSON as text without the final newline, e.g. for a command's {@code --json} output. */
    public static String text(Object value) {
        String s = new String(bytes(value), StandardCharsets.UTF_8);
        return s.substring(0, s.length() - 1);
    }

    /** One-line canonical JSON (sorted keys, no indent), e.g. for ONNX metadata values. */
    public static String compact(Object value) {
        try {
            Object v = value instanceof JsonNode n ? MAPPER.treeToValue(n, Object.class) : value;
            return MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsString(v);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not serializable as JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** SHA-256 of a value's canonical bytes. */
    public static String hash(Object value) {
        return Hashing.sha256(bytes(value));
    }

    /** Writes a value's canonical bytes through a temp file in the same folder and an atomic move. */
    public static void write(Path file, Object value) throws IOException {
        writeBytes(file, bytes(value));
    }

    /** Writes bytes atomically ({@link AtomicFiles}); the file gets the user's umask like any other. */
    public static void writeBytes(Path file, byte[] bytes) throws IOException {
        AtomicFiles.write(file, bytes);
    }

    public static <T> T read(Path file, Class<T> type) throws IOException {
        return MAPPER.readValue(file.toFile(), type);
    }
}
