package dev.regula.pipeline.run;

import java.nio.file.Path;

/** Public access to {@link TinyPipeline}'s inputs for tests in other packages. */
public final class TinyInputs {
    private TinyInputs() {
    }

    public static void write(Path dir, long seed) throws Exception {
        TinyPipeline.writeInputs(dir, seed);
    }

    /** The full tiny spec (two heads, gates that pass). */
    public static String spec() {
        return TinyPipeline.spec();
    }

    /** Writes {@code yaml} as {@code dir/pipeline.yaml}. */
    public static Path writeSpec(Path dir, String yaml) throws java.io.IOException {
        return TinyPipeline.writeSpec(dir, yaml);
    }
}
