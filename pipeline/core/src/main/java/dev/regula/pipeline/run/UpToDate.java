package dev.regula.pipeline.run;

import dev.regula.models.Hashing;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * Whether a committed stage folder still matches: same config and inputs, payload files unchanged,
 * and written by the same Regula, DJL and ONNX Runtime versions (another version may compute other
 * bytes). A development build keeps one version number across code changes: rerun with
 * {@code --force} after rebuilding one.
 */
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
                    || !m.inputHashes().equals(inputs) || !sameTools(m.versions(), Versions.all())) {
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

    /** The versions that decide a stage's bytes; the Java version is recorded but not compared. */
    static final java.util.List<String> COMPARED = java.util.List.of("regula", "djl", "onnxruntime");

    static boolean sameTools(Map<String, String> recorded, Map<String, String> running) {
        for (String k : COMPARED) {
            if (!java.util.Objects.equals(recorded.get(k), running.get(k))) {
                return false;
            }
        }
        return true;
    }
}
