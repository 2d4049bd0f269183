package dev.regula.pipeline.run;

import dev.regula.transfer.data.Hashing;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/** Whether a committed stage folder still matches: same config and inputs, payload files unchanged. */
final class UpToDate {
    private UpToDate() {
    }

    /** The folder's manifest when the stage is up to date, else {@code null}. */
    static Manifest check(Path dir, String configHash, Map<String, String> inputs, Set<String> unhashed) {
        Path file = dir.resolve(Manifest.FILE);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            Manifest m = Json.read(file, Manifest.class);
            if (m.schemaVersion() != Manifest.SCHEMA_VERSION || !m.configHash().equals(configHash)
                    || !m.inputHashes().equals(inputs)) {
                return null;
            }
            for (Map.Entry<String, String> e : m.outputHashes().entrySet()) {
                Path f = dir.resolve(e.getKey());
                if (!Files.isRegularFile(f) || !Hashing.sha256(f).equals(e.getValue())) {
                    return null;
                }
            }
            for (String u : unhashed) {
                if (!Files.isRegularFile(dir.resolve(u))) {
                    return null;
                }
            }
            return m;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
