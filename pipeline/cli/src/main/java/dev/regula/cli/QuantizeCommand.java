package dev.regula.cli;

import dev.regula.models.quant.CalibrationMethod;
import dev.regula.pipeline.RegulaException;
import dev.regula.pipeline.run.Json;
import dev.regula.pipeline.spec.Sections;
import dev.regula.pipeline.stage.features.FeaturesStep;
import dev.regula.pipeline.stage.features.QuantizeStep;
import dev.regula.transfer.quantize.QuantizeSpec;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code regula quantize}: an int8 backbone, calibrated on the train split of the data. */
@Command(name = "quantize", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Quantize a backbone's MatMuls to int8 in the JVM, no Python needed.",
                "static (default): QuantizeLinear/DequantizeLinear with scales calibrated on the first --calibration",
                "train rows of --data (split as regula features splits it; val and test are never read); batches freely.",
                "dynamic: DynamicQuantizeLinear + MatMulInteger, no data needed; runs one text per call.",
                "Writes OUT/model.onnx (provenance in its metadata) and OUT/tokenizer.json: use OUT as --backbone."})
final class QuantizeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    LoggingMixin logging;

    @Option(names = "--backbone", required = true, paramLabel = "SRC", description = FeatureModelOptions.BACKBONE_HELP)
    String backbone;

    @Option(names = "--tokenizer", paramLabel = "SRC", description = "tokenizer.json source (default: the backbone folder's).")
    String tokenizer;

    @Option(names = "--data", paramLabel = "FILE", description = "Dataset whose train split calibrates (static mode).")
    Path data;

    @Option(names = "--format", description = "jsonl, csv or folders (default: from the file name).")
    String format;

    @Option(names = "--text-field", defaultValue = "text", description = "Text field or column (default: ${DEFAULT-VALUE}).")
    String textField;

    @Option(names = "--label-field", defaultValue = "label", description = "Label field or column (default: ${DEFAULT-VALUE}).")
    String labelField;

    @Option(names = "--split-field", description = "Field whose value (train, val or test) names each row's split.")
    String splitField;

    @Option(names = "--split", split = ",", defaultValue = "0.7,0.15,0.15", paramLabel = "TRAIN,VAL,TEST",
            description = "Split fractions (default: ${DEFAULT-VALUE}).")
    List<Double> fractions;

    @Option(names = "--seed", defaultValue = "42", description = "Split seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--mode", defaultValue = "static", description = "static or dynamic (default: ${DEFAULT-VALUE}).")
    String mode;

    @Option(names = "--calibration", defaultValue = "" + QuantizeSpec.DEFAULT_CALIBRATION,
            description = "Train rows to calibrate on (default: ${DEFAULT-VALUE}).")
    int calibration;

    @Option(names = "--method", defaultValue = "minmax", description = "minmax or percentile (default: ${DEFAULT-VALUE}).")
    String method;

    @Option(names = "--percentile", defaultValue = "" + QuantizeSpec.DEFAULT_PERCENTILE,
            description = "Percentile of --method percentile (default: ${DEFAULT-VALUE}).")
    double percentile;

    @Option(names = "--weights", defaultValue = "per_channel",
            description = "per_channel or per_tensor int8 weight scales (default: ${DEFAULT-VALUE}).")
    String weights;

    @Option(names = "--smooth", paramLabel = "ALPHA",
            description = "SmoothQuant migration strength in [0, 1] (default: none).")
    Double smooth;

    @Option(names = "--max-length", defaultValue = "" + Sections.Backbone.DEFAULT_MAX_LENGTH,
            description = "Maximum tokens per calibration text (default: ${DEFAULT-VALUE}).")
    int maxLength;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder.")
    Path out;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    @Override
    public Integer call() throws RegulaException {
        QuantizeSpec q;
        try {
            q = new QuantizeSpec(QuantizeSpec.Mode.parse(mode), calibration, CalibrationMethod.parse(method), percentile,
                    QuantizeSpec.Weights.parse(weights), smooth);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        if (q.mode() == QuantizeSpec.Mode.STATIC && data == null) {
            throw new ParameterException(spec.commandLine(), "--mode static calibrates on train rows and needs --data"
                    + " (or use --mode dynamic)");
        }
        // Dynamic mode reads no data; the request still wants a path, which is never opened.
        Path d = data != null ? data : Path.of("unused.jsonl");
        FeaturesStep.Request r = new FeaturesStep.Request(backbone, tokenizer, null, "mean", false, null, maxLength, true,
                d, format, textField, labelField, null, splitField, "fail", fractions, false, seed, 0, 0, false, out);
        QuantizeStep.Result res = QuantizeStep.run(r, q);
        PrintWriter o = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>(res.provenance());
            m.put("model", res.model().toString());
            m.put("tokenizer", res.tokenizer() == null ? null : res.tokenizer().toString());
            o.println(Json.text(m));
        } else {
            o.printf(Locale.ROOT, "quantize: int8 backbone → %s%n", res.model());
            res.provenance().forEach((k, v) -> o.printf(Locale.ROOT, "  %-40s %s%n", k, v));
        }
        o.flush();
        return ExitCodes.OK;
    }
}
