package dev.regula.pipeline.run;

import java.nio.file.Path;

/** Public access to {@link TinyPipeline}'s inputs for tests in other packages. */
public final class TinyInputs {
    private TinyInputs() {
    }

    public static void write(Path dir, long seed) throws Exception {
        TinyPipeline.writeInputs(dir, seed);
    }
}
