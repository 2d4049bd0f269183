package dev.regula.transfer.backbone;

import java.nio.file.Path;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A resolved source: a readable local file, the SHA-256 of its bytes, and the source string it came from.
 *
 * @param file a local file (for jar entries and classpath resources: a copy in the cache folder)
 * @param sha256 lower-case hex SHA-256 of the file's bytes
 * @param source the source string as the user wrote it
 */
public record SourceFile(Path file, String sha256, String source) {
    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

    public SourceFile {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(source, "source");
        if (sha256 == null || !HEX64.matcher(sha256).matches()) {
            throw new IllegalArgumentException("sha256 must be 64 lower-case hex digits, got " + sha256);
        }
    }
}
