package dev.regula.cli;

import dev.regula.pipeline.run.Json;
import dev.regula.pipeline.spec.Sections;
import dev.regula.pipeline.RegulaException;
import dev.regula.pipeline.stage.imports.ImportStep;
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

/** {@code regula import}: the import stage on explicit paths. */
@Command(name = "import", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Build the feature model of a backbone, without a pipeline work folder.",
                "The graph is cut at the feature tensor, pooling and L2 normalisation are appended as ONNX nodes,",
                "and the backbone's SHA-256 and the settings go into its metadata.",
                "Writes OUT/feature-model.onnx (the same bytes as the pipeline's import stage), OUT/tokenizer.json",
                "(text backbones) and OUT/import.json (source, SHA-256 and settings)."})
final class ImportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    LoggingMixin logging;

    @Option(names = "--backbone", required = true, paramLabel = "SRC",
            description = FeatureModelOptions.BACKBONE_HELP)
    String backbone;

    @Mixin
    FeatureModelOptions featureModel;

    @Option(names = "--max-length", defaultValue = "" + Sections.Backbone.DEFAULT_MAX_LENGTH,
            description = "Maximum tokens per text, recorded in import.json (default: ${DEFAULT-VALUE}).")
    int maxLength;

    @Option(names = "--no-truncation", description = "Record that texts longer than --max-length are an error, not cut.")
    boolean noTruncation;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "Output folder: new, empty, or an earlier regula import output (replaced as a whole).")
    Path out;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    @Override
    public Integer call() throws RegulaException {
        ImportStep.Result r = ImportStep.run(new ImportStep.Request(backbone, featureModel.tokenizer, featureModel.featureTensor,
                featureModel.poolingOrDefault(), !featureModel.noL2, featureModel.maskInput, maxLength, !noTruncation, out));
        PrintWriter o = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>(r.info());
            m.put("out", r.out().toString());
            o.println(Json.text(m));
        } else {
            Map<?, ?> fm = (Map<?, ?>) r.info().get("feature_model");
            Map<?, ?> b = (Map<?, ?>) r.info().get("backbone");
            o.printf(Locale.ROOT, "import: feature model of dim %d → %s%n", r.dim(), r.featureModel());
            o.printf(Locale.ROOT, "  backbone   %s (sha256 %s)%n", b.get("source"), b.get("sha256"));
            o.printf(Locale.ROOT, "  features   %s, pooling %s, L2 %s%n", fm.get("tensor"), fm.get("pooling"), fm.get("l2_normalize"));
            o.printf(Locale.ROOT, "  tokenizer  %s%n", r.tokenizer() == null ? "none (numeric inputs)" : r.tokenizer());
        }
        o.flush();
        return ExitCodes.OK;
    }
}
