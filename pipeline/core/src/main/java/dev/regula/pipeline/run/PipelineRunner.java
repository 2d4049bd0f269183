package dev.regula.pipeline.run;

import dev.regula.models.IoErrors;
import dev.regula.pipeline.RegulaException;
import dev.regula.pipeline.spec.PipelineSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The runner framework: runs a pipeline's stages in order, skipping those that are up to date
 * (same config, inputs and payload as their manifest records), and commits each stage that runs
 * atomically. Which stages a spec has, and what the run reports afterwards, are the pipeline's
 * business ({@code dev.regula.pipeline.stage.Pipeline}), not the runner's.
 *
 * <p>Byte-identical reruns need one libtorch thread; the pipeline sets the DJL system properties
 * for that ({@link Determinism}) unless they are set already, which works only if DJL's engine has
 * not been loaded yet in this JVM.
 */
public final class PipelineRunner {
    private PipelineRunner() {
    }

    /**
     * What the stages did.
     *
     * @param outcomes per stage, run or skipped, in run order
     * @param manifests per stage, its committed manifest, in run order
     */
    public record Ran(Map<StageName, RunResult.Outcome> outcomes, Map<StageName, Manifest> manifests) {
    }

    /**
     * Runs {@code stages} (in run order) on {@code spec} in the request's work folder.
     *
     * @throws RegulaException when a stage fails (earlier stages stay committed; the failed one leaves nothing)
     */
    public static Ran run(RunRequest request, PipelineSpec spec, List<Stage> stages) throws RegulaException {
        return run(request, spec, stages, ran -> ran);
    }

    /** What a caller does with the stages' outcome while the work folder is still locked (write a summary). */
    @FunctionalInterface
    public interface AfterStages<T> {
        T accept(Ran ran) throws RegulaException;
    }

    /**
     * Runs {@code stages} as {@link #run(RunRequest, PipelineSpec, List)} does, then {@code after}, all under
     * the work folder's lock ({@link WorkLock}).
     *
     * @throws WorkFolderLockedException when another run holds the work folder (nothing is run or touched)
     * @throws ForeignFolderException when a stage folder was not written by Regula (nothing is run or touched)
     */
    public static <T> T run(RunRequest request, PipelineSpec spec, List<Stage> stages, AfterStages<T> after)
            throws RegulaException {
        Path work = request.workDir();
        try {
            Files.createDirectories(work);
        } catch (IOException e) {
            throw new RegulaException("cannot prepare the work folder " + work + ": " + IoErrors.describe(e), e);
        }
        WorkLock lock;
        try {
            lock = WorkLock.acquire(work);
        } catch (IOException e) {
            throw new RegulaException("cannot lock the work folder " + work + ": " + e.getMessage(), e);
        }
        try (lock; Interrupts.Registration unlock = Interrupts.register(() -> {
            lock.close();
            return "released the lock on " + work;
        })) {
            StageFolders.checkOwned(work, stages);
            try {
                StageFolders.clearStaging(work);
            } catch (IOException e) {
                throw new RegulaException("cannot prepare the work folder " + work + ": " + e.getMessage(), e);
            }
            return after.accept(runLocked(request, spec, stages, work));
        } catch (IOException e) {
            throw new RegulaException("cannot unlock the work folder " + work + ": " + e.getMessage(), e);
        }
    }

    private static Ran runLocked(RunRequest request, PipelineSpec spec, List<Stage> stages, Path work) throws RegulaException {
        StageContext ctx = new StageContext(spec, work, request.log(), request.artifacts());
        Map<StageName, RunResult.Outcome> outcomes = new LinkedHashMap<>();
        Map<StageName, Manifest> manifests = new LinkedHashMap<>();
        for (Stage stage : stages) {
            boolean forced = request.force() || (request.from() != null && stage.name().ordinal() >= request.from().ordinal());
            Map<String, String> inputs = new TreeMap<>(stage.externalInputs(ctx));
            for (StageName up : stage.upstream(ctx)) {
                inputs.put(up.dir(), manifests.get(up).outputDigest());
            }
            String configHash = Json.hash(stage.config(ctx));
            Path dir = ctx.dir(stage.name());
            Manifest current = forced ? null : UpToDate.check(dir, configHash, inputs, stage.unhashedFiles());
            if (current != null) {
                request.log().accept(stage.name() + ": up to date");
                outcomes.put(stage.name(), RunResult.Outcome.UP_TO_DATE);
                manifests.put(stage.name(), current);
                continue;
            }
            request.log().accept(stage.name() + ": running");
            manifests.put(stage.name(), runStage(stage, ctx, request, work, configHash, inputs, spec.seed()));
            outcomes.put(stage.name(), RunResult.Outcome.RAN);
        }
        return new Ran(outcomes, manifests);
    }

    private static Manifest runStage(Stage stage, StageContext ctx, RunRequest request, Path work, String configHash,
                                     Map<String, String> inputs, long seed) throws RegulaException {
        Path staging = null;
        try {
            staging = StageFolders.newStaging(work, stage.name());
            Path unfinished = staging;
            Manifest m;
            try (Interrupts.Registration reg = Interrupts.register(() -> {
                if (!Files.exists(unfinished)) {
                    return null;
                }
                StageFolders.deleteTree(unfinished);
                return stage.name() + ": removed its unfinished staging folder " + unfinished;
            })) {
                long t0 = System.nanoTime();
                Map<String, Object> timings = new TreeMap<>(stage.run(ctx, staging));
                Map<String, String> outputs = StageFolders.hashPayload(staging, stage.unhashedFiles());
                timings.put("seconds", (System.nanoTime() - t0) / 1e9);
                m = new Manifest(stage.name().dir(), Manifest.SCHEMA_VERSION, configHash, inputs, outputs, seed,
                        Versions.all(), timings);
                Json.write(staging.resolve(Manifest.FILE), m);
                request.hook().beforeCommit(stage.name(), staging);
                reg.commit(() -> {
                    StageFolders.commit(unfinished, ctx.dir(stage.name()), work, stage.name());
                    return null;
                });
                staging = null;
            }
            stage.afterCommit(ctx);
            request.log().accept(String.format(java.util.Locale.ROOT, "%s: done in %.1f s", stage.name(),
                    (Double) m.timings().get("seconds")));
            return m;
        } catch (IOException e) {
            throw new RegulaException(stage.name() + ": I/O error in " + work + ": " + e.getMessage(), e);
        } finally {
            if (staging != null) {
                try {
                    StageFolders.deleteTree(staging);
                } catch (IOException ignored) {
                    // the next run clears .staging anyway
                }
            }
        }
    }
}
