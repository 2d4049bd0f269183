package dev.regula.pipeline.run;

import dev.regula.pipeline.spec.PipelineSpec;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * What a stage sees of the run: the spec, the committed folders of upstream stages, a cache for
 * backbone files read out of jars, and a log.
 */
public final class StageContext {
    private final PipelineSpec spec;
    private final Path work;
    private final Consumer<String> log;

    StageContext(PipelineSpec spec, Path work, Consumer<String> log) {
        this.spec = spec;
        this.work = work;
        this.log = log;
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
