package dev.regula.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The top-level {@code regula} command: shows help when run without a subcommand. */
@Command(
        name = "regula",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Fine-tune regularized heads on an ONNX backbone and export one validated ONNX model.",
        subcommands = {RunCommand.class, ImportCommand.class, QuantizeCommand.class, FeaturesCommand.class, TuneCommand.class, TrainCommand.class, EnsembleCommand.class,
                ExportCommand.class, ReportCommand.class, ValidateCommand.class, PredictCommand.class, InspectCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:failure or a failed quality gate", "2:usage error"})
public final class RegulaCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return ExitCodes.USAGE;
    }
}
