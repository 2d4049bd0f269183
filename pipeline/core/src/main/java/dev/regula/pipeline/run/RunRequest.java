package dev.regula.pipeline.run;

import dev.regula.transfer.backbone.ArtifactResolver;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A request to run a pipeline: what {@code regula run} and the Maven plugin map their options to.
 *
 * @param spec the pipeline spec (YAML)
 * @param work the work folder, or {@code null} for the default beside the spec ({@link #defaultWorkDir})
 * @param from rerun this stage and every later one even when up to date, or {@code null}
 * @param force rerun every stage
 * @param log receives one line per stage ("features: up to date", ...)
 * @param hook called with each stage's finished staging folder before it is committed (tests use
 *     it to simulate a crash); {@link Hook#NONE} otherwise
 * @param artifacts finds the jars of {@code group:artifact:version!/entry} backbones: the CLI reads the
 *     local repository ({@link ArtifactResolver#localRepository()}, the default), the Maven plugin
 *     resolves through the build's repository system
 */
public record RunRequest(Path spec, Path work, StageName from, boolean force, Consumer<String> log, Hook hook,
                         ArtifactResolver artifacts) {
    /** Called before a stage's staging folder is committed. */
    @FunctionalInterface
    public interface Hook {
        Hook NONE = (stage, staging) -> { };

        void beforeCommit(StageName stage, Path staging) throws IOException;
    }

    public RunRequest {
        Objects.requireNonNull(spec, "spec");
        log = log == null ? line -> { } : log;
        hook = hook == null ? Hook.NONE : hook;
        artifacts = artifacts == null ? ArtifactResolver.localRepository() : artifacts;
    }

    public RunRequest(Path spec, Path work, StageName from, boolean force, Consumer<String> log, Hook hook) {
        this(spec, work, from, force, log, hook, null);
    }

    public RunRequest(Path spec, Path work, StageName from, boolean force, Consumer<String> log) {
        this(spec, work, from, force, log, Hook.NONE, null);
    }

    /** This request with backbone jars found by {@code resolver}. */
    public RunRequest withArtifacts(ArtifactResolver resolver) {
        return new RunRequest(spec, work, from, force, log, hook, resolver);
    }

    /** The work folder this request resolves to. */
    public Path workDir() {
        return (work != null ? work : defaultWorkDir(spec)).toAbsolutePath().normalize();
    }

    /**
     * {@code work/} beside a spec named {@code pipeline.yaml} (or {@code .yml}), and {@code work-NAME/}
     * beside any other spec {@code NAME.yaml}: two specs in one folder never share, and overwrite,
     * each other's stages.
     */
    public static Path defaultWorkDir(Path spec) {
        String file = spec.getFileName().toString();
        String stem = file.replaceFirst("\\.(?i:ya?ml)$", "");
        return spec.toAbsolutePath().getParent().resolve(stem.equals("pipeline") ? "work" : "work-" + stem);
    }
}
