package dev.regula.transfer.backbone;

import dev.regula.models.TempPaths;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Content-addressed copies of files read out of jars: {@code cacheDir/<sha256>/<name>}.
 * A copy is written to a temporary file in the cache folder and moved into place atomically,
 * so a crash never leaves a half-written file under its final name.
 */
final class Cache {
    private Cache() {}

    static SourceFile store(InputStream in, Path cacheDir, String name, String source) throws IOException {
        Files.createDirectories(cacheDir);
        Path tmp = TempPaths.file(cacheDir, ".incoming-", ".tmp");
        try {
            String sha;
            try (OutputStream out = Files.newOutputStream(tmp)) {
                sha = Sha256.copy(in, out);
            }
            Path dir = Files.createDirectories(cacheDir.resolve(sha));
            Path target = dir.resolve(name);
            if (!Files.isRegularFile(target) || !Sha256.of(target).equals(sha)) {
                try {
                    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException | FileAlreadyExistsException e) {
                    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
            return new SourceFile(target, sha, source);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
