package dev.regula.models;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * The one SHA-256 helper of every module: files, bytes, streams and folder trees; hashes are
 * lower-case hex. Manifests, caches and up-to-date checks compare these strings, so their form
 * must not change.
 */
public final class Hashing {
    private Hashing() {}

    /** A fresh SHA-256 digest (every JVM has it). */
    public static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from this JVM", e);
        }
    }

    /** SHA-256 of a file's bytes, streamed. */
    public static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return copy(in, OutputStream.nullOutputStream());
        }
    }

    /** Copies {@code in} to {@code out} and returns the SHA-256 of what went through. */
    public static String copy(InputStream in, OutputStream out) throws IOException {
        MessageDigest md = newSha256();
        byte[] buf = new byte[1 << 16];
        for (int n; (n = in.read(buf)) > 0; ) {
            md.update(buf, 0, n);
            out.write(buf, 0, n);
        }
        return hex(md.digest());
    }

    /** SHA-256 of bytes. */
    public static String sha256(byte[] bytes) {
        return hex(newSha256().digest(bytes));
    }

    /**
     * SHA-256 over a folder tree: for each regular file in sorted relative-path order, its relative path
     * ('/'-separated), a NUL, its content hash and a newline. Renaming or editing any file changes it.
     */
    public static String sha256Tree(Path root) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.walk(root)) {
            files = s.filter(Files::isRegularFile).sorted((a, b) -> rel(root, a).compareTo(rel(root, b))).toList();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        MessageDigest md = newSha256();
        for (Path f : files) {
            md.update(rel(root, f).getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
            md.update(sha256(f).getBytes(StandardCharsets.US_ASCII));
            md.update((byte) '\n');
        }
        return hex(md.digest());
    }

    /** Lowercase hex of bytes. */
    public static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    private static String rel(Path root, Path f) {
        return root.relativize(f).toString().replace(f.getFileSystem().getSeparator(), "/");
    }
}
