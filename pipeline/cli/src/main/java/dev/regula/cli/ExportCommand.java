package dev.regula.cli;

import dev.regula.pipeline.run.Json;
import dev.regula.pipeline.RegulaException;
import dev.regula.pipeline.stage.export.ExportStep;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code regula export}: the export stage on explicit paths. */
@Command(name = "export", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Export one ONNX model: feature model + a trained head, or + an ensemble (the backbone runs once).",
                "Writes OUT/model.onnx (outputs probabilities and label; provenance in metadata), OUT/tokenizer.json",
                "(text backbones) and OUT/export.json, as the pipeline's export stage; regula predict and validate read OUT."})
final class ExportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    LoggingMixin logging;

    @Option(names = "--features", required = true, paramLabel = "DIR",
            description = "The features the head or ensemble was trained on (output of regula features): labels, "
                    + "encoder settings, and by default the feature model and tokenizer.")
    Path features;

    @Option(names = "--feature-model", paramLabel = "FILE", description = "Feature model (default: DIR/feature-model.onnx of --features).")
    Path featureModel;

    @Option(names = "--tokenizer", paramLabel = "FILE",
            description = "tokenizer.json the features were extracted with (default: the copy in --features).")
    Path tokenizer;

    @ArgGroup(exclusive = true, multiplicity = "1")
    What what;

    static final class What {
        @Option(names = "--head", paramLabel = "PATH",
                description = "A head.json (named after its folder; another file, such as ENS/members/soup.json, after its "
                        + "name), its folder, or a regula train output folder (then --name, default the best by validation NLL).")
        Path head;

        @Option(names = "--ensemble", paramLabel = "DIR", description = "Output folder of regula ensemble (needs --heads).")
        Path ensemble;
    }

    @Option(names = "--name", paramLabel = "NAME", description = "With --head on a train output: the head, or best (default).")
    String name;

    @Option(names = "--heads", paramLabel = "DIR", description = "With --ensemble: the regula train output it was built from.")
    Path heads;

    @Option(names = "--soup", description = "With --ensemble: export only its soup member, as one head named soup "
            + "(as export.head: soup in a spec).")
    boolean soup;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "Output folder: new, empty, or an earlier regula export output (replaced as a whole).")
    Path out;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    @Override
    public Integer call() throws RegulaException {
        ExportStep.Result r = ExportStep.run(new ExportStep.Request(features, featureModel, tokenizer, what.head, name,
                what.ensemble, heads, soup, out));
        PrintWriter o = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("out", r.out().toString());
            m.put("model", r.model().toString());
            m.put("model_sha256", r.modelSha256());
            m.put("exported", r.exported());
            m.put("labels", r.labels());
            o.println(Json.text(m));
        } else {
            o.printf(Locale.ROOT, "export: %s → %s%n", r.exported(), r.model());
            o.printf(Locale.ROOT, "  labels %s%n  sha256 %s%n", r.labels(), r.modelSha256());
        }
        o.flush();
        return ExitCodes.OK;
    }
}
