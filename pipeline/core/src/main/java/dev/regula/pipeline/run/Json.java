package dev.regula.pipeline.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.regula.models.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Canonical JSON for the pipeline and its front ends: keys sorted (object properties and map entries
 * alike), two-space indent, a final newline. A thin front for {@link dev.regula.transfer.io.Json},
 * which owns every mapper configuration; kept so the pipeline's many callers need not change.
 */
public final class Json {
    /** The canonical mapper ({@link dev.regula.transfer.io.Json#CANONICAL}); never reconfigure it. */
    public static final ObjectMapper MAPPER = dev.regula.transfer.io.Json.CANONICAL;

    private Json() {
    }

    /** Canonical bytes of a value (a JsonNode's object keys sorted too) and a final newline. */
    public static byte[] bytes(Object value) {
        return dev.regula.transfer.io.Json.bytes(value);
    }

    /** Canonical indented JSON as text without the final newline, e.g. for a command's {@code --json} output. */
    public static String text(Object value) {
        return dev.regula.transfer.io.Json.text(value);
    }

    /** One-line canonical JSON (sorted keys, no indent), e.g. for ONNX metadata values. */
    public static String compact(Object value) {
        return dev.regula.transfer.io.Json.compact(value);
    }

    /** SHA-256 of a value's canonical bytes. */
    public static String hash(Object value) {
        return dev.regula.transfer.io.Json.hash(value);
    }

    /** Writes a value's canonical bytes through a temp file in the same folder and an atomic move. */
    public static void write(Path file, Object value) throws IOException {
        dev.regula.transfer.io.Json.write(file, value);
    }

    /** Writes bytes atomically ({@link AtomicFiles}); the file gets the user's umask like any other. */
    public static void writeBytes(Path file, byte[] bytes) throws IOException {
        AtomicFiles.write(file, bytes);
    }

    public static <T> T read(Path file, Class<T> type) throws IOException {
        return dev.regula.transfer.io.Json.read(file, type);
    }
}
