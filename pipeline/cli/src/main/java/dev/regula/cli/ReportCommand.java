package dev.regula.cli;

import dev.regula.pipeline.run.Json;
import dev.regula.pipeline.RegulaException;
import dev.regula.pipeline.spec.Sections;
import dev.regula.pipeline.stage.report.ReportStep;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code regula report}: the report stage on explicit folders. */
@Command(name = "report", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write the HTML report OUT/index.html from explicit folders, without a pipeline work folder.",
                "The page is self-contained (plots embedded as PNG data URIs) and holds what the pipeline's report stage",
                "writes: test figures, parity and latency per execution provider,",
                "heads with their regularization, the ensemble comparison, learning curves, reliability, provenance,",
                "and with --tune the regularization search: verdicts, validation curves, halving rungs.",
                "Without --validation the test figures are the Java reference on the stored test features, and the",
                "parity and latency table is left out (the page says so)."})
final class ReportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    LoggingMixin logging;

    @Option(names = "--features", required = true, paramLabel = "DIR",
            description = "The features the heads were trained on (output of regula features, or work/features).")
    Path features;

    @Option(names = "--heads", required = true, paramLabel = "DIR",
            description = "Output folder of regula train (or work/train); heads appear in name order.")
    Path heads;

    @Option(names = "--ensemble", paramLabel = "DIR",
            description = "Output folder of regula ensemble (or work/ensemble): adds the ensemble table; required when "
                    + "the model exports an ensemble or its soup.")
    Path ensemble;

    @Option(names = "--model", required = true, paramLabel = "DIR",
            description = "Output folder of regula export (or work/export), or its model.onnx: the provenance.")
    Path model;

    @Option(names = "--validation", paramLabel = "DIR",
            description = "A pipeline's validate stage folder (work/validate): test figures, parity and latency of the "
                    + "exported model on ONNX Runtime.")
    Path validation;

    @Option(names = "--tune", paramLabel = "DIR",
            description = "Output folder of regula tune (or work/tune): adds the regularization search section "
                    + "(verdict table, validation curve per searched knob, halving rung chart).")
    Path tune;

    @Option(names = "--title", paramLabel = "TEXT", description = "Page title (default: " + ReportStep.DEFAULT_TITLE + ").")
    String title;

    @Option(names = "--min-accuracy", paramLabel = "X", description = "Gate shown on the page: test accuracy at least X.")
    Double minAccuracy;

    @Option(names = "--max-parity-error", paramLabel = "X",
            description = "Gate shown on the page: parity max |error| at most X (needs --validation).")
    Double maxParityError;

    @Option(names = "--max-generalization-gap", paramLabel = "X",
            description = "Gate shown on the page: train minus test accuracy at most X.")
    Double maxGap;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "Output folder: new, empty, or an earlier regula report output (replaced as a whole).")
    Path out;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    @Override
    public Integer call() throws RegulaException {
        ReportStep.Result r = ReportStep.run(new ReportStep.Request(features, heads, ensemble, model, validation, title,
                new Sections.Gates(minAccuracy, maxParityError, maxGap), out, tune));
        PrintWriter o = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("out", r.out().toString());
            m.put("html", r.html().toString());
            m.put("exported", r.exported());
            m.put("validated", r.validated());
            Map<String, Object> f = new LinkedHashMap<>();
            for (String k : new String[] {"accuracy", "macro_f1", "nll", "ece", "train_accuracy", "generalization_gap"}) {
                f.put(k, r.figures().path(k).asDouble());
            }
            m.put("test", f);
            m.put("gate_failures", r.gateFailures());
            o.println(Json.text(m));
        } else {
            o.printf(Locale.ROOT, "report: %s%n", r.html());
            o.printf(Locale.ROOT, "  exported %s; test accuracy %.4f (%s)%n", r.exported(), r.figures().path("accuracy").asDouble(),
                    r.validated() ? "ONNX Runtime, from --validation" : "Java reference on the stored test features");
            o.printf(Locale.ROOT, "  gates    %s%n", r.gateFailures().isEmpty() ? "all passed" : String.join("; ", r.gateFailures()));
        }
        o.flush();
        return ExitCodes.OK;
    }
}
