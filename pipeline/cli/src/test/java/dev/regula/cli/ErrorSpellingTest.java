package dev.regula.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.regula.pipeline.OptionName;
import dev.regula.pipeline.Problem;
import dev.regula.pipeline.RegulaException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** Core's errors name options neutrally; the command line says them as its own flags. */
class ErrorSpellingTest {
    @Test
    void aMissingFeaturesFolderIsNamedByItsFlag(@TempDir Path dir) {
        Path missing = dir.resolve("no-features");
        CliRun r = CliRun.run("ensemble", "--features", missing.toString(), "--heads", dir.toString(), "--out",
                dir.resolve("out").toString());
        assertThat(r.code()).isEqualTo(ExitCodes.FAILURE);
        assertThat(r.err()).contains("error: --features: folder not found: " + missing.toAbsolutePath().normalize()
                + "; expected the output folder of `regula features`");
    }

    @Test
    void aMalformedCompactValueIsAUsageErrorNamedByItsFlag(@TempDir Path dir) {
        CliRun r = CliRun.run("ensemble", "--features", dir.toString(), "--heads", dir.toString(), "--out",
                dir.resolve("out").toString(), "--snapshots", "mlp:4");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--snapshots: expected HEAD:CYCLES:EPOCHS_PER_CYCLE (e.g. mlp:4:5), got 'mlp:4'");
    }

    @Test
    void optionsInsideTheWordsAreFlagsToo() {
        RegulaException e = new RegulaException(Problem.about(OptionName.TOP_K, "give ", OptionName.MEMBERS, " or ",
                OptionName.TOP_K, ", not both"));
        assertThat(CliOptions.message(e)).isEqualTo("--top-k: give --members or --top-k, not both");
        assertThat(CliOptions.message(new RegulaException(Problem.about(OptionName.DROPOUT, "1.5 is not in [0, 1)")
                .withKeyPath("regularization.dropout.rate"))))
                .isEqualTo("--dropout (regularization.dropout.rate): 1.5 is not in [0, 1)");
    }

    @Test
    void everyOptionCoreNamesIsAFlagOfSomeCommand() {
        Set<String> flags = new HashSet<>();
        collect(Main.newCommandLine(), flags);
        List<String> missing = new ArrayList<>();
        for (OptionName o : OptionName.values()) {
            if (!flags.contains(CliOptions.flag(o))) {
                missing.add(o + " -> " + CliOptions.flag(o));
            }
        }
        assertThat(missing).as("options core names that no regula command has").isEmpty();
    }

    private static void collect(CommandLine cl, Set<String> flags) {
        for (OptionSpec o : cl.getCommandSpec().options()) {
            flags.addAll(List.of(o.names()));
        }
        cl.getSubcommands().values().forEach(sub -> collect(sub, flags));
    }
}
