package dev.regula.transfer.backbone;

import dev.regula.models.AtomicFiles;
import dev.regula.models.Hashing;
import dev.regula.models.TempPaths;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Content-addressed copies of files read out of jars: {@code cacheDir/<sha256>/<name>}.
 * A copy is written through {@link AtomicFiles}, so a crash never leaves a half-written file
 * under its final name.
 */
final class Cache {
    private Cache() {}

    static SourceFile store(InputStream in, Path cacheDir, String name, String source) throws IOException {
        Files.createDirectories(cacheDir);
        Path tmp = TempPaths.file(cacheDir, ".incoming-", ".tmp");
        try {
            String sha;
            try (OutputStream out = Files.newOutputStream(tmp)) {
                sha = Hashing.copy(in, out);
            }
            Path dir = Files.createDirectories(cacheDir.resolve(sha));
            Path target = dir.resolve(name);
            if (!Files.isRegularFile(target) || !Hashing.sha256(target).equals(sha)) {
                // The name is known only once the bytes went through, so they land in a scratch file
                // first; the cached copy is then written like every other file (umask, atomic).
                AtomicFiles.copy(tmp, target);
            }
            return new SourceFile(target, sha, source);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
