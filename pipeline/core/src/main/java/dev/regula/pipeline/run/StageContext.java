package dev.regula.pipeline.run;

import dev.regula.pipeline.spec.PipelineSpec;
import dev.regula.transfer.backbone.ArtifactResolver;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * What a stage sees of the run: the spec, the committed folders of upstream stages, a cache for
 * backbone files read out of jars, the front end's way to find jars by Maven coordinates, and a log.
 */
public final class StageContext {
    private final PipelineSpec spec;
    private final Path work;
    private final Consumer<String> log;
    private final ArtifactResolver artifacts;

    StageContext(PipelineSpec spec, Path work, Consumer<String> log) {
        this(spec, work, log, ArtifactResolver.localRepository());
    }

    StageContext(PipelineSpec spec, Path work, Consumer<String> log, ArtifactResolver artifacts) {
        this.spec = spec;
        this.work = work;
        this.log = log;
        this.artifacts = artifacts;
    }

    /** Finds the jars of {@code group:artifact:version!/entry} backbones (the front end's resolver). */
    public ArtifactResolver artifacts() {
        return artifacts;
    }

    public PipelineSpec spec() {
        return spec;
    }

    /** The committed folder of a stage ({@code <work>/<stage>}). */
    public Path dir(StageName stage) {
        return work.resolve(stage.dir());
    }

    /** Where copies of backbone files read out of jars are kept ({@code <work>/.cache}). */
    public Path cacheDir() {
        return work.resolve(".cache");
    }

    /** A folder beside the stage folders for work a stage keeps across runs ({@code <work>/<name>}, a dot name). */
    public Path workFile(String name) {
        if (!name.startsWith(".")) {
            throw new IllegalArgumentException("a stage's own folder in the work folder must be a dot name, got " + name);
        }
        return work.resolve(name);
    }

    public void log(String line) {
        log.accept(line);
    }
}
