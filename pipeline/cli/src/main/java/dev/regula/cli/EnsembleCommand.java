package dev.regula.cli;

import dev.regula.pipeline.OptionName;
import dev.regula.pipeline.run.Json;
import dev.regula.pipeline.RegulaException;
import dev.regula.pipeline.stage.ensemble.EnsembleOptions;
import dev.regula.pipeline.stage.ensemble.EnsembleStep;
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

/** {@code regula ensemble}: the ensemble stage on explicit folders. */
@Command(name = "ensemble", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Combine trained heads (the output of regula train) into an ensemble, without a pipeline work folder.",
                "The combiner is fitted on the validation split of --features. The ensemble comes from a spec's ensemble:",
                "section (--spec) or from the options, each mapping to one key (--soup uniform:snapshots is",
                "soup: {of: snapshots, kind: uniform}). Writes OUT/ensemble.json, report.json (test metrics of every member",
                "and combiner), config.json and members/, as the pipeline's ensemble stage."})
final class EnsembleCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    LoggingMixin logging;

    @Option(names = "--features", required = true, paramLabel = "DIR",
            description = "The features the heads were trained on (output of regula features).")
    Path features;

    @Option(names = "--heads", required = true, paramLabel = "DIR", description = "Output folder of regula train.")
    Path heads;

    @Option(names = "--spec", paramLabel = "SPEC.yaml", description = "Take the ensemble: section and seed: from this file.")
    Path specFile;

    @Option(names = "--members", split = ",", paramLabel = "NAME,NAME", description = "Member heads (default: every head).")
    List<String> members;

    @Option(names = "--top-k", paramLabel = "K", description = "The K heads with the lowest validation NLL.")
    Integer topK;

    @Option(names = "--combiner", paramLabel = "KIND", description = "mean, weighted, caruana or stacking (default: mean).")
    String combiner;

    @Option(names = "--combiner-option", paramLabel = "KEY=VALUE",
            description = "A combiner option, repeatable: penalty=entropy, strength=0.1, rounds=30, l2=[0.01,0.1], folds=5.")
    Map<String, String> combinerOptions;

    String seeds;
    String bagging;
    String snapshots;
    String soup;

    @Option(names = "--seeds", paramLabel = "HEAD:N", description = "N extra members: HEAD retrained with other seeds.")
    void seeds(String value) {
        seeds = form(OptionName.SEEDS, value);
    }

    @Option(names = "--bagging", paramLabel = "HEAD:N", description = "N extra members: HEAD trained on bootstrap resamples.")
    void bagging(String value) {
        bagging = form(OptionName.BAGGING, value);
    }

    @Option(names = "--snapshots", paramLabel = "HEAD:CYCLES:EPOCHS",
            description = "CYCLES extra members HEAD-snap-1..CYCLES: HEAD trained through CYCLES cosine cycles of EPOCHS "
                    + "epochs, one member per cycle.")
    void snapshots(String value) {
        snapshots = form(OptionName.SNAPSHOTS, value);
    }

    @Option(names = "--soup", paramLabel = "KIND:OF",
            description = "One extra member soup: the weights of OF averaged. KIND: uniform or greedy; OF: member names "
                    + "(a,b,c) or snapshots, seeds or bagging (e.g. uniform:snapshots).")
    void soup(String value) {
        soup = form(OptionName.SOUP, value);
    }

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the combiner and extra members (default: the spec's, else 42).")
    Long seed;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "Output folder: new, empty, or an earlier regula ensemble output (replaced as a whole).")
    Path out;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    /** A malformed compact value is a usage error (exit 2); what it names is checked with the section (exit 1). */
    private String form(OptionName option, String value) {
        try {
            EnsembleOptions.checkForm(option, value);
        } catch (RegulaException e) {
            throw new ParameterException(spec.commandLine(), CliOptions.message(e));
        }
        return value;
    }

    @Override
    public Integer call() throws RegulaException {
        PrintWriter o = spec.commandLine().getOut();
        EnsembleStep.Result r = EnsembleStep.run(new EnsembleStep.Request(features, heads, specFile, members, topK, combiner,
                combinerOptions, seeds, bagging, snapshots, soup, seed, out, json ? null : line -> {
                    o.println(line);
                    o.flush();
                }));
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("out", r.out().toString());
            m.put("members", r.members());
            m.put("combiner", r.combiner());
            m.put("test", r.test());
            m.put("best_single", r.bestSingle());
            m.put("best_single_test", r.bestSingleTest());
            o.println(Json.text(m));
        } else {
            o.printf(Locale.ROOT, "ensemble: %s%n", r.out());
            o.printf(Locale.ROOT, "  members   %s, combined by %s%n", r.members(), r.combiner());
            o.printf(Locale.ROOT, "  test      accuracy %s  NLL %s  ECE %s%n", TrainCommand.fmt(r.test().get("accuracy")),
                    TrainCommand.fmt(r.test().get("nll")), TrainCommand.fmt(r.test().get("ece")));
            o.printf(Locale.ROOT, "  best single member %s: accuracy %s  NLL %s%n", r.bestSingle(),
                    TrainCommand.fmt(r.bestSingleTest().get("accuracy")), TrainCommand.fmt(r.bestSingleTest().get("nll")));
        }
        o.flush();
        return ExitCodes.OK;
    }
}
