package dev.regula.cli;

import dev.regula.pipeline.run.Json;
import dev.regula.pipeline.RegulaException;
import dev.regula.pipeline.spec.HeadOptions;
import dev.regula.pipeline.spec.Sections;
import dev.regula.pipeline.spec.SpecReader;
import dev.regula.pipeline.stage.train.TrainStep;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code regula train}: the train stage on explicit folders. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train heads on cached features (the output of regula features), without a pipeline work folder.",
                "Heads come from the heads: section of a YAML file (--heads), or one head from the options below.",
                "Writes OUT/<head>/head.json, OUT/<head>/history.json and OUT/heads.json, as the pipeline's train stage;",
                "OUT is written beside itself and moved into place when complete."})
final class TrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    LoggingMixin logging;

    @Option(names = "--features", required = true, paramLabel = "DIR",
            description = "Output folder of regula features (or a pipeline's work/features).")
    Path features;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    static final class Source {
        @Option(names = "--heads", paramLabel = "SPEC.yaml",
                description = "A YAML file whose heads: section (and seed:) lists the heads, keys as in docs/pipeline.md.")
        Path headsFile;

        @ArgGroup(exclusive = false, heading = "One head by options (instead of --heads):%n")
        HeadArgs head;
    }

    static final class HeadArgs {
        @Option(names = "--kind", required = true, description = "linear or mlp (heads[i].kind).")
        String kind;

        @Option(names = "--name", description = "Head name, its folder under OUT (default: head-0).")
        String name;

        @Option(names = "--hidden-sizes", split = ",", paramLabel = "N,N", description = "MLP hidden widths, e.g. 64 or 128,64.")
        List<Integer> hiddenSizes;

        @Option(names = "--activation", description = "relu, gelu or tanh (default: relu).")
        String activation;

        @Option(names = "--dropout", paramLabel = "RATE", description = "Standard dropout rate on hidden units, in [0, 1).")
        Double dropout;

        @Option(names = "--input-dropout", paramLabel = "RATE", description = "Standard dropout rate on the features, in [0, 1).")
        Double inputDropout;

        @Option(names = "--l1", description = "L1 penalty weight.")
        Double l1;

        @Option(names = "--l2", description = "L2 penalty weight.")
        Double l2;

        @Option(names = "--weight-decay", description = "Decoupled weight decay.")
        Double weightDecay;

        @Option(names = "--max-norm", description = "Max-norm bound on each unit's incoming weights.")
        Double maxNorm;

        @Option(names = "--label-smoothing", description = "Label smoothing epsilon, in [0, 1).")
        Double labelSmoothing;

        @Option(names = "--patience", description = "Early stopping on validation loss after N epochs without improvement.")
        Integer patience;

        @Option(names = "--optimizer", description = "adam, adamw or sgd (default: adam).")
        String optimizer;

        @Option(names = "--learning-rate", description = "Peak learning rate (default: 0.001).")
        Double learningRate;

        @Option(names = "--epochs", description = "Maximum epochs (default: 20).")
        Integer epochs;

        @Option(names = "--batch-size", description = "Rows per optimizer step (default: 32).")
        Integer batchSize;

        @Option(names = "--seed", description = "Seed of weight init, shuffling and dropout (default: 42).")
        Long seed;
    }

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "Output folder: new, empty, or an earlier regula train output (replaced as a whole).")
    Path out;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    @Override
    public Integer call() throws RegulaException {
        List<Sections.Head> heads;
        if (source.headsFile != null) {
            heads = SpecReader.readHeads(source.headsFile);
        } else {
            HeadArgs a = source.head;
            heads = List.of(new HeadOptions(a.name, a.kind, a.hiddenSizes, a.activation, a.dropout, a.inputDropout, a.l1, a.l2,
                    a.weightDecay, a.maxNorm, a.labelSmoothing, a.patience, a.optimizer, a.learningRate, a.epochs,
                    a.batchSize, a.seed).toHead(SpecReader.DEFAULT_SEED_VALUE));
        }
        PrintWriter o = spec.commandLine().getOut();
        TrainStep.Result r = TrainStep.run(new TrainStep.Request(features, heads, out, json ? null : line -> {
            o.println(line);
            o.flush();
        }));
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("out", r.out().toString());
            m.put("heads", r.heads());
            m.put("train_seconds", r.seconds());
            o.println(Json.text(m));
        } else {
            o.printf(Locale.ROOT, "heads: %s%n", r.out());
            r.heads().forEach((name, line) -> o.printf(Locale.ROOT, "  %-20s best epoch %s  val NLL %s  val accuracy %s%n",
                    name, line.get("best_epoch"), fmt(line.get("val_loss")), fmt(line.get("val_accuracy"))));
        }
        o.flush();
        return ExitCodes.OK;
    }

    static String fmt(Object v) {
        return v instanceof Number n ? String.format(Locale.ROOT, "%.4f", n.doubleValue()) : "n/a";
    }
}
