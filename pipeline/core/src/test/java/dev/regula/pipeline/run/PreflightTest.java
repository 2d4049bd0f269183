package dev.regula.pipeline.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.regula.pipeline.spec.SpecException;
import dev.regula.pipeline.stage.Pipeline;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mistakes that need the data to be seen are still refused before the first stage runs. */
class PreflightTest {
    @Test
    void aClassWeightsListOfTheWrongLengthIsRefusedBeforeAnyStage(@TempDir Path dir) throws Exception {
        TinyPipeline.writeInputs(dir, 3);
        String yaml = TinyPipeline.spec().replace("      weight_decay: 0.01", "      weight_decay: 0.01\n      class_weights: [1, 2, 3]");
        Path spec = TinyPipeline.writeSpec(dir, yaml);
        Path work = dir.resolve("work");
        Throwable t = catchThrowable(() -> Pipeline.run(new RunRequest(spec, work, null, false, null)));
        assertThat(t).isInstanceOf(SpecException.class).hasMessageContaining("heads[1].regularization.class_weights: has 3 entries;"
                + " the data has 2 classes [ham, spam], so expected one weight per class, in that order");
        assertThat(work).doesNotExist();
    }

    @Test
    void anUnknownEnsembleMemberIsRefusedBeforeAnyStage(@TempDir Path dir) throws Exception {
        TinyPipeline.writeInputs(dir, 3);
        Path spec = TinyPipeline.writeSpec(dir, TinyPipeline.spec() + "ensemble: {members: [linear, mpl]}\n");
        Path work = dir.resolve("work");
        Throwable t = catchThrowable(() -> Pipeline.run(new RunRequest(spec, work, null, false, null)));
        assertThat(t).isInstanceOf(SpecException.class).hasMessageContaining("ensemble.members").hasMessageContaining("mpl");
        assertThat(work).doesNotExist();
        assertThat(Files.list(dir).map(p -> p.getFileName().toString()).toList()).doesNotContain("work");
    }
}
