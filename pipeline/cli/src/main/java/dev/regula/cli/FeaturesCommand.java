package dev.regula.cli;

import dev.regula.pipeline.run.Json;
import dev.regula.pipeline.spec.Sections;
import dev.regula.pipeline.RegulaException;
import dev.regula.pipeline.stage.features.FeaturesStep;
import dev.regula.transfer.features.FeatureJobResult;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code regula features}: the features stage on explicit paths. */
@Command(name = "features", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run the backbone once per example and cache pooled features, split into train/val/test.",
                "Writes OUT/feature-model.onnx, OUT/tokenizer.json (text backbones) and OUT/store/ (float32 matrices, labels,",
                "manifest.json): the --features folder of regula train, ensemble and export.",
                "Skips the work when OUT/store's manifest matches the backbone, data and settings.",
                "With --feature-model (an output of regula import) instead of --backbone, that model runs as built."})
final class FeaturesCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    LoggingMixin logging;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    static final class Source {
        @Option(names = "--backbone", paramLabel = "SRC",
                description = FeatureModelOptions.BACKBONE_HELP)
        String backbone;

        @Option(names = "--feature-model", paramLabel = "DIR_OR_FILE",
                description = "Instead of --backbone: the output folder of regula import (or work/import), or its "
                        + "feature-model.onnx; its tokenizer.json, pooling and settings are used.")
        Path featureModel;
    }

    @Mixin
    FeatureModelOptions featureModel;

    @Option(names = "--max-length", paramLabel = "N",
            description = "Maximum tokens per text (default: the import's with --feature-model, else " + Sections.Backbone.DEFAULT_MAX_LENGTH + ").")
    Integer maxLength;

    @Option(names = "--no-truncation", description = "Fail on texts longer than --max-length instead of cutting them.")
    boolean noTruncation;

    @Option(names = "--data", required = true, paramLabel = "FILE", description = "Dataset: .jsonl, .csv (optionally .gz) or a folder per label.")
    Path data;

    @Option(names = "--format", description = "jsonl, csv, folders, numeric-csv or numeric-jsonl (default: from the file name).")
    String format;

    @Option(names = "--text-field", defaultValue = "text", description = "Text field or column (default: ${DEFAULT-VALUE}).")
    String textField;

    @Option(names = "--label-field", defaultValue = "label", description = "Label field or column (default: ${DEFAULT-VALUE}).")
    String labelField;

    @Option(names = "--group-field", description = "Group field; with --grouped, a group never spans two splits.")
    String groupField;

    @Option(names = "--split-field", description = "Field whose value (train, val or test) names each row's split.")
    String splitField;

    @Option(names = "--bad-rows", defaultValue = "fail", description = "fail or skip (default: ${DEFAULT-VALUE}).")
    String badRows;

    @Option(names = "--split", split = ",", defaultValue = "0.7,0.15,0.15", paramLabel = "TRAIN,VAL,TEST",
            description = "Split fractions (default: ${DEFAULT-VALUE}).")
    List<Double> fractions;

    @Option(names = "--grouped", description = "Keep each group (--group-field) in one split.")
    boolean grouped;

    @Option(names = "--seed", defaultValue = "42", description = "Split seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--batch-size", defaultValue = "0", description = "Examples per backbone call; 0 = automatic: 1 for dynamically quantized (int8) backbones, else 16 (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--threads", defaultValue = "0", description = "CPU threads, run as that many single-threaded batches at once; 0 = one per core (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder.")
    Path out;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    @Override
    public Integer call() throws RegulaException {
        String backbone = source.backbone;
        Path fromImport = source.featureModel;
        FeatureJobResult r;
        if (fromImport == null) {
            r = FeaturesStep.run(request(backbone, maxLength == null ? Sections.Backbone.DEFAULT_MAX_LENGTH : maxLength, !noTruncation));
        } else {
            for (Object[] o : featureModel.shaping()) {
                if (o[1] != null) {
                    throw new ParameterException(spec.commandLine(), o[0] + ": the feature model fixes it; leave it out "
                            + "with --feature-model (or give --backbone)");
                }
            }
            FeaturesStep.Encoding enc = FeaturesStep.importedEncoding(fromImport);
            r = FeaturesStep.runOnFeatureModel(fromImport, featureModel.tokenizer == null ? null : Path.of(featureModel.tokenizer),
                    request("feature-model", maxLength != null ? maxLength : enc.maxLength(), enc.truncation() && !noTruncation));
        }
        PrintWriter o = spec.commandLine().getOut();
        if (json) {
            java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
            m.put("up_to_date", r.upToDate());
            m.put("store", r.store().toString());
            m.put("feature_model", r.featureModel().toString());
            m.put("rows", r.rows());
            m.put("dim", r.dim());
            m.put("labels", r.labels());
            m.put("extract_seconds", r.extractSeconds());
            m.put("skipped_rows", r.skippedRows());
            o.println(Json.text(m));
        } else {
            o.printf(Locale.ROOT, "%s%n", r.upToDate() ? "features: up to date" : "features: extracted");
            o.printf(Locale.ROOT, "  store          %s%n", r.store());
            o.printf(Locale.ROOT, "  feature model  %s%n", r.featureModel());
            o.printf(Locale.ROOT, "  rows           %s   dim %d   labels %s%n", r.rows(), r.dim(), r.labels());
            if (!r.upToDate()) {
                o.printf(Locale.ROOT, "  backbone time  %.1f s (%.1f examples/s)%n", r.extractSeconds(), r.examplesPerSecond());
            }
            if (!r.skippedRows().isEmpty()) {
                o.printf(Locale.ROOT, "  skipped rows   %s%n", r.skippedRows());
            }
        }
        o.flush();
        return ExitCodes.OK;
    }

    private FeaturesStep.Request request(String source, int length, boolean truncation) {
        return new FeaturesStep.Request(source, featureModel.tokenizer, featureModel.featureTensor, featureModel.poolingOrDefault(),
                !featureModel.noL2, featureModel.maskInput, length,
                truncation, data, format, textField, labelField, groupField, splitField, badRows, fractions, grouped, seed,
                batchSize, threads, !json, out);
    }
}
