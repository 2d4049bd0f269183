package dev.regula.pipeline.run;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A stage folder's {@code manifest.json}: what the payload was made from and what it holds. Only
 * this file carries timings; payload files hold none, so reruns are byte-identical.
 *
 * @param stage the stage's name
 * @param schemaVersion version of this manifest's layout ({@link #SCHEMA_VERSION})
 * @param configHash SHA-256 of the canonical JSON of the spec section(s) the stage reads
 * @param inputHashes per upstream stage, the hash of its output hashes; per external file (backbone, data), its SHA-256
 * @param outputHashes SHA-256 of every payload file, by path relative to the stage folder ({@code /}-separated)
 * @param seed the spec's seed
 * @param versions Regula, DJL, ONNX Runtime and Java versions
 * @param timings seconds the stage took, and stage-specific measurements (latency)
 */
public record Manifest(
        @JsonProperty("stage") String stage,
        @JsonProperty("schema_version") int schemaVersion,
        @JsonProperty("config_hash") String configHash,
        @JsonProperty("input_hashes") Map<String, String> inputHashes,
        @JsonProperty("output_hashes") Map<String, String> outputHashes,
        @JsonProperty("seed") long seed,
        @JsonProperty("versions") Map<String, String> versions,
        @JsonProperty("timings") Map<String, Object> timings) {
    public static final int SCHEMA_VERSION = 1;
    public static final String FILE = "manifest.json";

    public Manifest {
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(configHash, "config_hash");
        inputHashes = new TreeMap<>(inputHashes == null ? Map.of() : inputHashes);
        outputHashes = new TreeMap<>(outputHashes == null ? Map.of() : outputHashes);
        versions = new TreeMap<>(versions == null ? Map.of() : versions);
        timings = new TreeMap<>(timings == null ? Map.of() : timings);
    }

    /** The hash downstream stages record as this stage's input: of the output hashes only. */
    public String outputDigest() {
        return Json.hash(outputHashes);
    }
}
