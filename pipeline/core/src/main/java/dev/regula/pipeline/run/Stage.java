package dev.regula.pipeline.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.regula.pipeline.RegulaException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One pipeline stage. The runner decides whether it must run (from {@link #config}, the upstream
 * stages' outputs and {@link #externalInputs}), gives it an empty staging folder, and after
 * {@link #run} hashes the payload, writes the manifest and moves the folder into place. A stage
 * never writes outside its staging folder.
 */
public interface Stage {
    StageName name();

    /** Upstream stages whose outputs this stage reads (through {@link StageContext#dir}). */
    List<StageName> upstream(StageContext ctx);

    /** The spec parts this stage reads; their canonical JSON hash is the stage's config hash. */
    JsonNode config(StageContext ctx);

    /** SHA-256 of files from outside the work folder that the stage reads (backbone, data), by name. */
    default Map<String, String> externalInputs(StageContext ctx) throws RegulaException {
        return Map.of();
    }

    /**
     * Payload files (relative, {@code /}-separated) that are not hashed because a library writes a
     * timestamp into them; they must still exist for the stage to be up to date.
     */
    default Set<String> unhashedFiles() {
        return Set.of();
    }

    /**
     * Writes the payload into {@code staging}.
     *
     * @return stage-specific timings to record in the manifest (never in the payload); may be empty
     */
    Map<String, Object> run(StageContext ctx, Path staging) throws RegulaException;

    /**
     * Called once the folder {@link #run} wrote is committed: a stage that keeps resumable work outside
     * its staging folder (the tune stage's trial logs) removes it here, never earlier, so a crash before
     * the commit still finds it.
     */
    default void afterCommit(StageContext ctx) throws RegulaException {
    }
}
