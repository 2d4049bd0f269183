package dev.regula.transfer.backbone;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/** Reads one entry out of a jar into the cache, or says which entries the jar does hold. */
final class JarEntries {
    private static final int SUGGESTIONS = 5;

    private JarEntries() {}

    static SourceFile extract(BackboneSource source, Path jarPath, Path cacheDir) throws BackboneException {
        try (JarFile jar = new JarFile(jarPath.toFile())) {
            JarEntry e = jar.getJarEntry(source.entry());
            if (e == null || e.isDirectory()) {
                throw new BackboneException(source.text(), "jar " + jarPath + " has no entry '" + source.entry()
                        + "'; similar entries: " + similar(jar, source.entry()));
            }
            try (InputStream in = jar.getInputStream(e)) {
                return Cache.store(in, cacheDir, BackboneSource.fileName(source.entry()), source.text());
            }
        } catch (IOException e) {
            throw new BackboneException(source.text(), "cannot read jar " + jarPath + ": " + e.getMessage(), e);
        }
    }

    /** Up to five file entries closest to {@code wanted} by edit distance (case-insensitive). */
    static List<String> similar(JarFile jar, String wanted) {
        String w = wanted.toLowerCase(Locale.ROOT);
        return jar.stream()
                .filter(e -> !e.isDirectory() && !e.getName().endsWith(".class") && !e.getName().startsWith("META-INF/"))
                .map(JarEntry::getName)
                .sorted(Comparator.comparingInt((String n) -> distance(n.toLowerCase(Locale.ROOT), w)).thenComparing(n -> n))
                .limit(SUGGESTIONS)
                .toList();
    }

    static int distance(String a, String b) {
        return dev.regula.models.EditDistance.between(a, b);
    }
}
