package dev.regula.cli;

import dev.regula.pipeline.run.Json;
import com.fasterxml.jackson.databind.JsonNode;
import dev.regula.pipeline.OptionName;
import dev.regula.pipeline.Problem;
import dev.regula.pipeline.RegulaException;
import dev.regula.pipeline.spec.Sections;
import dev.regula.pipeline.spec.SpecException;
import dev.regula.pipeline.spec.SpecReader;
import dev.regula.pipeline.stage.tune.TuneStep;
import dev.regula.transfer.tune.TuneSpec;
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

/** {@code regula tune}: the tune stage on explicit folders. */
@Command(name = "tune", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Search the regularization of heads on cached features, judge it per knob, refit the winner.",
                "Features: the output of regula features. k-fold CV on train+val, the min or one-SE rule, a verdict per knob,",
                "and the winner refit on train+val. The test split is never read. Heads with ranges or regularization: auto search those; a head with neither is searched over its",
                "kind's default space around its own settings, which are judged. Options override the file's tune: section.",
                "Writes OUT/tune.json and OUT/<head>/{trials.jsonl,selection.json,oof/,head.json,history.json}, as the",
                "pipeline's tune stage; OUT is written beside itself and moved into place when complete. A killed run",
                "resumes from the trials logged in OUT/../.OUT.tune-partial/."})
final class TuneCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    LoggingMixin logging;

    @Option(names = "--features", required = true, paramLabel = "DIR",
            description = "Output folder of regula features (or a pipeline's work/features).")
    Path features;

    @Option(names = "--heads", required = true, paramLabel = "SPEC.yaml",
            description = "A YAML file whose heads: section (with seed: and tune:) lists the heads, keys as in docs/pipeline.md.")
    Path headsFile;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "Output folder: new, empty, or an earlier regula tune output (replaced as a whole).")
    Path out;

    @Option(names = "--strategy", description = "auto, grid, random, halving or path (default: the file's, else auto).")
    String strategy;

    @Option(names = "--trials", description = "Configurations drawn by random and halving (default: 24).")
    Integer trials;

    @Option(names = "--folds", description = "Stratified folds on train+val; 0 = the fixed val split (default: 5).")
    Integer folds;

    @Option(names = "--rule", description = "one_se or min (default: one_se).")
    String rule;

    @Option(names = "--no-refit", description = "Keep the winner trained on train (early stopping on val) instead of refit on train+val.")
    boolean noRefit;

    @Option(names = "--seed", description = "Seed of folds and random draws (default: the file's seed:, else 42).")
    Long seed;

    @Option(names = "--threads", description = "Trials trained at once, one core each; 0 = one per core (default: 0).")
    Integer threads;

    @Option(names = "--json", description = "Print tune.json as JSON.")
    boolean json;

    @Override
    public Integer call() throws RegulaException {
        List<Sections.Head> heads = SpecReader.readHeads(headsFile);
        Sections.Tune fromFile = SpecReader.readTune(headsFile, heads);
        Sections.Tune tune = overridden(fromFile);
        JsonNode root = SpecReader.readTree(headsFile);
        long s = seed != null ? seed : root.hasNonNull("seed") ? root.get("seed").asLong() : SpecReader.DEFAULT_SEED_VALUE;
        PrintWriter o = spec.commandLine().getOut();
        TuneStep.Result r;
        try {
            r = TuneStep.run(new TuneStep.Request(features, heads, tune, s, out, json ? null : line -> {
                o.println(line);
                o.flush();
            }));
        } catch (SpecException e) {
            throw naming(e);
        }
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("out", r.out().toString());
            m.put("heads", r.heads());
            m.put("epochs_trained", r.epochs());
            o.println(Json.text(m));
        } else {
            o.printf(Locale.ROOT, "tune: %s%n", r.out());
            r.heads().forEach((name, h) -> print(o, name, h));
        }
        o.flush();
        return ExitCodes.OK;
    }

    private static void print(PrintWriter o, String name, JsonNode h) {
        o.printf(Locale.ROOT, "  %s: %s, %d trials, %s; %s winner %s %s%n", name, h.path("strategy").asText(),
                h.path("trials").asInt(), h.path("folds").asInt() == 0 ? "fixed val split" : h.path("folds").asInt() + " folds",
                h.path("rule").asText(), h.path("winner").asText(), h.path("winner_params"));
        o.printf(Locale.ROOT, "    CV NLL %.4f ± %.4f (min %.4f), train/val gap %.4f; %s%s%n", h.path("winner_mean_val_nll").asDouble(),
                h.path("winner_se").asDouble(), h.path("min_mean_val_nll").asDouble(), h.path("winner_gap").asDouble(),
                h.path("model").asText(), h.path("refit_epochs").isNull() ? "" : " (" + h.path("refit_epochs").asInt() + " epochs)");
        for (JsonNode v : h.path("verdicts")) {
            String edge = v.path("edge").asText();
            o.printf(Locale.ROOT, "    %-20s %-12s%s  gap %.4f (selected %.4f)%n", v.path("knob").asText(),
                    verdict(v.path("verdict").asText()), edge.equals("none") ? "" : "  at the " + edge + " edge",
                    v.path("reference_gap").asDouble(), v.path("selected_gap").asDouble());
            o.printf(Locale.ROOT, "      %s%n", v.path("advice").asText());
        }
    }

    private static String verdict(String v) {
        return switch (v) {
            case "under" -> "under-regularized";
            case "over" -> "over-regularized";
            case "about_right" -> "about right";
            default -> "not ordered";
        };
    }

    /** The file's tune: section with the given options applied. */
    private Sections.Tune overridden(Sections.Tune f) {
        TuneSpec.Strategy st = f.strategy();
        if (strategy != null) {
            st = strategy.equals("auto") ? null : parse("--strategy", () -> TuneSpec.Strategy.of(strategy));
        }
        TuneSpec.Rule ru = rule == null ? f.rule() : parse("--rule", () -> TuneSpec.Rule.of(rule));
        int k = folds == null ? f.folds() : folds;
        if (k < 0 || k == 1) {
            throw new ParameterException(spec.commandLine(), "--folds: expected 0 (the fixed val split) or k >= 2, got " + k);
        }
        if (trials != null && trials < 1) {
            throw new ParameterException(spec.commandLine(), "--trials: expected >= 1, got " + trials);
        }
        if (threads != null && threads < 0) {
            throw new ParameterException(spec.commandLine(), "--threads: expected >= 0 (0 = one per core), got " + threads);
        }
        Boolean refit = noRefit ? Boolean.FALSE : folds != null ? null : f.refit();
        return new Sections.Tune(st, strategy != null ? Map.of() : f.perHead(), trials == null ? f.trials() : trials, k, ru, refit, f.eta(), f.minEpochs(), f.gridPoints(),
                threads == null ? f.threads() : threads);
    }

    private <T> T parse(String option, java.util.function.Supplier<T> p) {
        try {
            return p.get();
        } catch (IllegalArgumentException e) {
            String m = e.getMessage();
            throw new ParameterException(spec.commandLine(), option + ": " + m.substring(m.indexOf(':') + 1).strip());
        }
    }

    /** A tune-settings error found against the heads, named by the option that sets it. */
    private static RegulaException naming(SpecException e) {
        OptionName option = switch (e.keyPath()) {
            case "tune.strategy" -> OptionName.STRATEGY;
            case "tune.folds" -> OptionName.FOLDS;
            default -> null;
        };
        if (option != null) {
            return new RegulaException(e.problem().withOption(option), e);
        }
        if (e.keyPath().equals("tune.min_epochs")) {
            return new RegulaException(Problem.atKey("the file's tune.min_epochs", e.problem().text().toArray()), e);
        }
        return e;
    }
}
