package dev.regula.maven;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.regula.pipeline.OptionName;
import dev.regula.pipeline.Problem;
import dev.regula.pipeline.RegulaException;
import dev.regula.pipeline.stage.features.FeatureInputs;
import java.nio.file.Path;
import org.apache.maven.plugin.MojoFailureException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Core's errors name options neutrally; a Mojo says them as its parameters. */
class ParametersTest {
    @Test
    void theErrorTheCliNamesByFlagIsNamedByParameterInAGoal(@TempDir Path dir) {
        Path missing = dir.resolve("no-features");
        // the same core error that `regula ensemble --features MISSING` prints as "--features: ..."
        RegulaException e = org.junit.jupiter.api.Assertions.assertThrows(RegulaException.class,
                () -> FeatureInputs.open(missing, Problem.about(OptionName.FEATURES)));
        MojoFailureException f = Parameters.failure(ValidateMojo.GOAL, e);
        assertThat(f.getMessage()).isEqualTo("regula:validate: <features>: folder not found: "
                + missing.toAbsolutePath().normalize() + "; expected the output folder of `regula features`");
        assertThat(f.getMessage()).doesNotContain("--");
        assertThat(f.getCause()).isSameAs(e);
    }

    @Test
    void optionsInsideTheWordsAreParametersInCamelCase() {
        RegulaException e = new RegulaException(Problem.about(OptionName.TOP_K, "give ", OptionName.MEMBERS, " or ",
                OptionName.TOP_K, ", not both"));
        assertThat(Parameters.message(e)).isEqualTo("<topK>: give <members> or <topK>, not both");
        assertThat(Parameters.element(OptionName.FEATURE_MODEL)).isEqualTo("<featureModel>");
        assertThat(Parameters.name("min_macro_f1")).isEqualTo("minMacroF1");
    }

    @Test
    void aGoalFailsTheBuildWithTheParameterName() {
        RegulaException e = new RegulaException(Problem.about(OptionName.MODEL, "not found: x"));
        assertThatThrownBy(() -> {
            throw Parameters.failure(RunMojo.GOAL, e);
        }).isInstanceOf(MojoFailureException.class).hasMessage("regula:run: <model>: not found: x");
    }

    @Test
    void aCommitRefusedDuringShutdownSaysInterruptedNotUnexpected() {
        org.apache.maven.plugin.MojoExecutionException e = Parameters.unexpected(RunMojo.GOAL, "running spec.yaml",
                new dev.regula.pipeline.run.Interrupts.InterruptedByShutdown());
        assertThat(e.getMessage()).startsWith("regula:run: interrupted while running spec.yaml: the process is shutting down")
                .doesNotContain("unexpected");
        assertThat(Parameters.unexpected(RunMojo.GOAL, "running spec.yaml", new IllegalStateException("boom")).getMessage())
                .isEqualTo("regula:run: unexpected failure running spec.yaml: java.lang.IllegalStateException: boom");
    }
}
