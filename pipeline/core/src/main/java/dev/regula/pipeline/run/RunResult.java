package dev.regula.pipeline.run;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Map;

/**
 * What a run did.
 *
 * @param outcomes per stage run or skipped, in order
 * @param work the work folder
 * @param summary the content of {@code <work>/summary.json}
 */
public record RunResult(Map<StageName, Outcome> outcomes, Path work, JsonNode summary) {
    /** Whether a stage ran or was found up to date. */
    public enum Outcome { RAN, UP_TO_DATE }

    public RunResult {
        outcomes = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(outcomes));
    }

    /** The exported model, as the summary names it. */
    public Path model() {
        return Path.of(summary.get("model").asText());
    }
}
