package dev.regula.cli;

import dev.regula.models.ModelInfo;
import dev.regula.pipeline.Inspection;
import dev.regula.pipeline.RegulaException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code regula inspect MODEL}: what a model takes, gives, and carries. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = {"Show a model's inputs, outputs, opsets, parameter count and metadata (Regula's provenance included).",
                "MODEL is a path to an .onnx file, a folder holding model.onnx, classpath:/PATH, or Maven coordinates",
                "group:artifact:version[:classifier]!/path/inside/jar read from the local Maven repository."})
final class InspectCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    LoggingMixin logging;

    @Parameters(index = "0", paramLabel = "MODEL", description = "The model to inspect.")
    String model;

    @Option(names = "--json", description = "Print JSON instead of a table (the table cuts metadata values after 100 characters).")
    boolean json;

    @Override
    public Integer call() throws RegulaException {
        ModelInfo info = Inspection.inspect(model);
        PrintWriter out = spec.commandLine().getOut();
        out.println(json ? info.toJson() : info.toText());
        out.flush();
        return ExitCodes.OK;
    }
}
