package dev.regula.transfer.backbone;

import dev.regula.models.Hashing;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a backbone file (model or tokenizer) comes from, parsed from one string:
 * <ul>
 *   <li>a path to a file ({@code models/minilm.onnx});</li>
 *   <li>a folder holding {@code model.onnx} and {@code tokenizer.json};</li>
 *   <li>a classpath resource ({@code classpath:/all-minilm-l6-v2.onnx});</li>
 *   <li>an entry in a jar named by Maven coordinates
 *       ({@code group:artifact:version[:classifier]!/path/inside/jar}), found by an {@link ArtifactResolver};</li>
 *   <li>an entry in a local jar file ({@code libs/models.jar!/model.onnx}).</li>
 * </ul>
 * Parsing checks syntax only; {@link #resolve} finds the bytes.
 *
 * @param kind which of the forms above
 * @param text the string as written
 * @param path the file, folder or jar path (PATH and JAR_FILE), else {@code null}
 * @param coordinate the jar's coordinates (MAVEN), else {@code null}
 * @param entry the entry inside the jar (MAVEN, JAR_FILE) or the resource name (CLASSPATH), else {@code null}
 */
public record BackboneSource(Kind kind, String text, Path path, MavenCoordinate coordinate, String entry) {
    /** The forms a source string can take. */
    public enum Kind { PATH, CLASSPATH, MAVEN, JAR_FILE }

    private static final String CLASSPATH_PREFIX = "classpath:";
    private static final String JAR_SEPARATOR = "!/";

    public BackboneSource {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(text, "text");
        boolean ok = switch (kind) {
            case PATH -> path != null && coordinate == null && entry == null;
            case CLASSPATH -> path == null && coordinate == null && entry != null;
            case MAVEN -> path == null && coordinate != null && entry != null;
            case JAR_FILE -> path != null && coordinate == null && entry != null;
        };
        if (!ok) {
            throw new IllegalArgumentException("fields do not fit kind " + kind + ": path=" + path
                    + " coordinate=" + coordinate + " entry=" + entry);
        }
    }

    /**
     * Parses a source string (syntax only; nothing is read).
     *
     * @throws BackboneException for an empty string, an empty jar entry or malformed Maven coordinates
     */
    public static BackboneSource parse(String text) throws BackboneException {
        if (text == null || text.isBlank()) {
            throw new BackboneException(text, "empty source: expected a file, a folder, classpath:/resource or "
                    + MavenCoordinate.EXPECTED_FORM);
        }
        String s = text.strip();
        if (s.startsWith(CLASSPATH_PREFIX)) {
            String name = s.substring(CLASSPATH_PREFIX.length()).replaceFirst("^/+", "");
            if (name.isEmpty()) {
                throw new BackboneException(text, "no resource name: expected classpath:/path/to/model.onnx");
            }
            return new BackboneSource(Kind.CLASSPATH, s, null, null, name);
        }
        int bang = s.indexOf(JAR_SEPARATOR);
        if (bang >= 0) {
            String left = s.substring(0, bang);
            String entry = s.substring(bang + JAR_SEPARATOR.length()).replaceFirst("^/+", "");
            if (entry.isEmpty()) {
                throw new BackboneException(text, "no entry after '!/': expected " + MavenCoordinate.EXPECTED_FORM);
            }
            if (left.endsWith(".jar") || left.endsWith(".zip")) {
                return new BackboneSource(Kind.JAR_FILE, s, Path.of(left), null, entry);
            }
            try {
                return new BackboneSource(Kind.MAVEN, s, null, MavenCoordinate.parse(left), entry);
            } catch (IllegalArgumentException e) {
                throw new BackboneException(text, e.getMessage(), e);
            }
        }
        // "g:a:v" without an entry is a common slip: say what is missing instead of "file not found".
        if (s.matches("[A-Za-z0-9_.\\-]+:[A-Za-z0-9_.\\-]+:[A-Za-z0-9_.\\-]+(:[A-Za-z0-9_.\\-]+)?")) {
            throw new BackboneException(text, "Maven coordinates need the entry inside the jar: expected "
                    + MavenCoordinate.EXPECTED_FORM);
        }
        return new BackboneSource(Kind.PATH, s, Path.of(s), null, null);
    }

    /**
     * {@link #resolve(Path, String, ArtifactResolver)} with Maven coordinates read from the local
     * repository only ({@link ArtifactResolver#localRepository()}).
     */
    public SourceFile resolve(Path cacheDir, String folderEntry) throws BackboneException {
        return resolve(cacheDir, folderEntry, ArtifactResolver.localRepository());
    }

    /**
     * Finds the bytes and hashes them. Jar entries and classpath resources inside jars are copied
     * into {@code cacheDir}; plain files are used where they are.
     *
     * @param cacheDir folder for copies out of jars (created when needed)
     * @param folderEntry the file to take when this source is a folder ({@code model.onnx} or {@code tokenizer.json})
     * @param artifacts finds the jar of Maven coordinates (used by that form only)
     */
    public SourceFile resolve(Path cacheDir, String folderEntry, ArtifactResolver artifacts) throws BackboneException {
        Objects.requireNonNull(artifacts, "artifacts");
        try {
            return switch (kind) {
                case PATH -> resolvePath(folderEntry);
                case CLASSPATH -> resolveClasspath(cacheDir);
                case MAVEN -> resolveMaven(cacheDir, artifacts);
                case JAR_FILE -> {
                    if (!Files.isRegularFile(path)) {
                        throw new BackboneException(text, "jar file " + path.toAbsolutePath() + " does not exist");
                    }
                    yield JarEntries.extract(this, path, cacheDir);
                }
            };
        } catch (IOException e) {
            throw new BackboneException(text, "cannot read: " + e.getMessage(), e);
        }
    }

    /** True when this source names an existing folder (which may hold a tokenizer beside the model). */
    public boolean isFolder() {
        return kind == Kind.PATH && Files.isDirectory(path);
    }

    private SourceFile resolvePath(String folderEntry) throws BackboneException, IOException {
        Path file = path;
        if (Files.isDirectory(path)) {
            file = path.resolve(folderEntry);
            if (!Files.isRegularFile(file)) {
                throw new BackboneException(text, "folder " + path.toAbsolutePath() + " holds no " + folderEntry
                        + " (a backbone folder holds model.onnx and tokenizer.json)");
            }
        } else if (!Files.exists(path)) {
            throw new BackboneException(text, "file " + path.toAbsolutePath() + " does not exist (expected an .onnx file,"
                    + " a folder with model.onnx, classpath:/resource or " + MavenCoordinate.EXPECTED_FORM + ")");
        } else if (!Files.isRegularFile(path)) {
            throw new BackboneException(text, path.toAbsolutePath() + " is not a regular file");
        }
        return new SourceFile(file, Hashing.sha256(file), text);
    }

    private SourceFile resolveClasspath(Path cacheDir) throws BackboneException, IOException {
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        URL url = (cl == null ? BackboneSource.class.getClassLoader() : cl).getResource(entry);
        if (url == null) {
            throw new BackboneException(text, "no resource '" + entry + "' on the classpath");
        }
        if ("file".equals(url.getProtocol())) {
            try {
                Path file = Path.of(url.toURI());
                return new SourceFile(file, Hashing.sha256(file), text);
            } catch (URISyntaxException e) {
                // fall through to copying the stream
            }
        }
        try (InputStream in = url.openStream()) {
            return Cache.store(in, cacheDir, fileName(entry), text);
        }
    }

    private SourceFile resolveMaven(Path cacheDir, ArtifactResolver artifacts) throws BackboneException {
        Path jar;
        try {
            jar = artifacts.jar(coordinate);
        } catch (BackboneException e) {
            // The resolver knows the coordinates, not the string the user wrote: name that string once.
            throw e.source() != null ? e : new BackboneException(text, e.getMessage(), e);
        }
        if (jar == null || !Files.isRegularFile(jar)) {
            throw new BackboneException(text, "Maven artifact " + coordinate + " resolved to " + jar + ", which is not a file");
        }
        return JarEntries.extract(this, jar, cacheDir);
    }

    static String fileName(String entry) {
        int slash = entry.lastIndexOf('/');
        return slash < 0 ? entry : entry.substring(slash + 1);
    }

    @Override
    public String toString() {
        return text;
    }
}
