package dev.regula.cli;

import dev.regula.pipeline.run.Json;
import dev.regula.pipeline.RegulaException;
import dev.regula.pipeline.predict.QualityGates;
import dev.regula.pipeline.stage.validate.ValidateStep;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code regula validate MODEL --data FILE}. */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = {"Measure an exported model on labelled data with ONNX Runtime, with optional quality gates.",
                "Reports accuracy, macro-F1, NLL, Brier, ECE, latency at batch 1 and throughput at batch 32 (batch 1",
                "for int8 models that quantize dynamically, whose batch mates would change each other's outputs),",
                "tokenization included; a failed gate exits with 1."})
final class ValidateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    LoggingMixin logging;

    @Parameters(index = "0", paramLabel = "MODEL", description = "model.onnx written by Regula, or its folder.")
    Path model;

    @Option(names = "--data", required = true, paramLabel = "FILE", description = "Labelled .jsonl or .csv (optionally .gz).")
    Path data;

    @Option(names = "--text-field", defaultValue = "text", description = "Text field or column (default: ${DEFAULT-VALUE}).")
    String textField;

    @Option(names = "--label-field", defaultValue = "label", description = "Label field or column (default: ${DEFAULT-VALUE}).")
    String labelField;

    @Option(names = "--device", defaultValue = "cpu", description = "cpu, cuda or auto (default: ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--min-accuracy", paramLabel = "X", description = "Fail (exit 1) when accuracy is below X.")
    Double minAccuracy;

    @Option(names = "--min-macro-f1", paramLabel = "X", description = "Fail (exit 1) when macro-F1 is below X.")
    Double minMacroF1;

    @Option(names = "--max-ece", paramLabel = "X", description = "Fail (exit 1) when the calibration error (ECE, 15 bins) is above X.")
    Double maxEce;

    @Option(names = "--max-nll", paramLabel = "X", description = "Fail (exit 1) when the mean negative log-likelihood is above X.")
    Double maxNll;

    @Option(names = "--json", description = "Print the figures as JSON.")
    boolean json;

    @Override
    public Integer call() throws RegulaException {
        QualityGates gates;
        try {
            gates = new QualityGates(minAccuracy, minMacroF1, maxEce, maxNll);
        } catch (QualityGates.BadGateException e) {
            throw new RegulaException(option(e.key()) + " " + e.value() + ": expected " + e.expected(), e);
        }
        ValidateStep.Request request;
        try {
            request = ValidateStep.Request.of(model, device, data, textField, labelField,
                    gates);
        } catch (IllegalArgumentException e) {
            throw new RegulaException(e.getMessage(), e);
        }
        ValidateStep.Result r = ValidateStep.run(request);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.text(r));
        } else {
            out.printf(Locale.ROOT, "%d rows on %s%n", r.rows(), r.provider());
            out.printf(Locale.ROOT, "accuracy %.4f  macro-F1 %.4f  NLL %.4f  Brier %.4f  ECE %.4f%n", r.metrics().accuracy(),
                    r.metrics().macroF1(), r.metrics().nll(), r.metrics().brier(), r.metrics().ece());
            out.printf(Locale.ROOT, "latency p50 %.2f ms  p95 %.2f ms (batch 1)  throughput %.1f texts/s (batch %d)%n",
                    r.latencyMsP50(), r.latencyMsP95(), r.throughput(), r.throughputBatch());
        }
        out.flush();
        List<String> failed = request.failures(r, ValidateCommand::option);
        if (!failed.isEmpty()) {
            throw new RegulaException(String.format(Locale.ROOT, "%s on %s (%d rows): gate%s failed: %s",
                    model, data, r.rows(), failed.size() > 1 ? "s" : "", String.join("; ", failed)));
        }
        return ExitCodes.OK;
    }

    private static String option(String gate) {
        return "--" + gate.replace('_', '-');
    }
}
