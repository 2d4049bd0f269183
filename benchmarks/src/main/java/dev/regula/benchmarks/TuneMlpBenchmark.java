package dev.regula.benchmarks;

import dev.regula.transfer.features.FeatureJobResult;
import dev.regula.transfer.features.FeatureMatrix;
import dev.regula.transfer.features.FeatureStore;
import dev.regula.transfer.head.HeadActivation;
import dev.regula.transfer.head.HeadSpec;
import dev.regula.transfer.regularize.RegularizationSpec;
import dev.regula.transfer.train.TrainingSpec;
import dev.regula.transfer.tune.SearchSpace;
import dev.regula.transfer.tune.TrialLog;
import dev.regula.transfer.tune.TrialResult;
import dev.regula.transfer.tune.TuneRequest;
import dev.regula.transfer.tune.TuneResult;
import dev.regula.transfer.tune.TuneSpec;
import dev.regula.transfer.tune.Tuner;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Issue 11's {@code tune-mlp}: successive halving against the full grid over the same space (the
 * documented {@code regularization: auto} space of an MLP head, {@link SearchSpace#defaultFor}: 27
 * configurations), same folds, seeds and epoch budget, on the spam example's MiniLM features. Both use
 * rule {@code min}. Halving's last rung trains its survivors exactly as the grid trains them (same seed,
 * same folds, full budget), so the grid's record of halving's winner is its score.
 *
 * <p>{@code ratio} = halving epochs / grid epochs (lower is better; target <= 1/3), with
 * {@code within_one_se} = whether halving's winner's mean CV NLL is within one SE of the grid's best.
 *
 * <p>Options: {@code --data examples/spam/spamassassin.jsonl.gz --out benchmarks/out/spam-quality --seed 42
 * --hidden 128 --epochs 30 --folds 3 --threads 2 --lr 1e-3 --batch 64}.
 */
public final class TuneMlpBenchmark {
    private TuneMlpBenchmark() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("data", "examples/spam/spamassassin.jsonl.gz");
        o.put("out", "benchmarks/out/spam-quality");
        o.put("seed", "42");
        o.put("hidden", "128");
        o.put("epochs", "30");
        o.put("folds", "3");
        o.put("threads", "2");
        o.put("lr", "1e-3");
        o.put("batch", "64");
        Options.parse(o, args);
        long seed = Long.parseLong(o.get("seed"));
        FeatureJobResult features = SpamFeatures.build(Path.of(o.get("data")), Path.of(o.get("out")), seed);
        FeatureStore store = FeatureStore.open(features.store());
        FeatureMatrix train = store.split("train");
        FeatureMatrix val = store.split("val");
        HeadSpec head = HeadSpec.mlp(HeadActivation.RELU, Integer.parseInt(o.get("hidden")));
        TrainingSpec training = new TrainingSpec(TrainingSpec.Optimizer.ADAMW, Double.parseDouble(o.get("lr")), 0, null, null,
                null, TrainingSpec.Schedule.CONSTANT, 0, 0, null, Integer.parseInt(o.get("batch")),
                Integer.parseInt(o.get("epochs")), TrainingSpec.DeviceChoice.CPU, seed);
        SearchSpace space = SearchSpace.defaultFor(head);
        int folds = Integer.parseInt(o.get("folds"));
        int threads = Integer.parseInt(o.get("threads"));
        Map<String, TuneResult> results = new LinkedHashMap<>();
        Map<String, Double> seconds = new LinkedHashMap<>();
        for (TuneSpec.Strategy strategy : new TuneSpec.Strategy[] {TuneSpec.Strategy.HALVING, TuneSpec.Strategy.GRID}) {
            TuneSpec spec = new TuneSpec(strategy, 27, folds, TuneSpec.Rule.MIN, false, 3, null, 5, seed, threads);
            long t0 = System.nanoTime();
            TuneResult r = Tuner.tune(new TuneRequest(train, val, null, store.labels().size(), head, RegularizationSpec.none(),
                    training, space, spec, false, null), TrialLog.none());
            seconds.put(strategy.yamlName(), (System.nanoTime() - t0) / 1e9);
            results.put(strategy.yamlName(), r);
            System.out.printf(Locale.ROOT, "%s: %d trials, %d epochs, %.1f s, winner %s mean CV NLL %.5f (SE %.5f)%n",
                    strategy.yamlName(), r.trials().size(), r.epochsTrained(), seconds.get(strategy.yamlName()),
                    r.selection().winner().config().params(), r.selection().winner().meanValNll(),
                    r.selection().winner().standardError());
        }
        TuneResult halving = results.get("halving");
        TuneResult grid = results.get("grid");
        TrialResult gridBest = grid.selection().winner();
        TrialResult halvingWinnerOnGrid = grid.trials().stream()
                .filter(t -> t.id().equals(halving.selection().winner().id())).findFirst().orElseThrow();
        TrialResult gridBestInHalving = halving.trials().stream().filter(t -> t.id().equals(gridBest.id())).findFirst()
                .orElseThrow();
        System.out.printf(Locale.ROOT, "grid's best %s in halving: %s after rung %d, rung scores %s%n",
                gridBest.config().params(), gridBestInHalving.status().jsonName(), gridBestInHalving.rung(),
                gridBestInHalving.rungs());
        boolean within = halvingWinnerOnGrid.meanValNll() <= gridBest.meanValNll() + gridBest.standardError();
        Map<String, String> s = new LinkedHashMap<>();
        s.put("benchmark", "tune-mlp");
        s.put("configs", Integer.toString(grid.trials().size()));
        s.put("folds", Integer.toString(folds));
        s.put("epochs", o.get("epochs"));
        s.put("grid_best_cv_nll", String.format(Locale.ROOT, "%.5f", gridBest.meanValNll()));
        s.put("grid_best_se", String.format(Locale.ROOT, "%.5f", gridBest.standardError()));
        s.put("halving_winner_cv_nll", String.format(Locale.ROOT, "%.5f", halving.selection().winner().meanValNll()));
        s.put("halving_winner_is_grid_best", Boolean.toString(halvingWinnerOnGrid.id().equals(gridBest.id())));
        s.put("within_one_se", Boolean.toString(within));
        s.put("halving_epochs", Long.toString(halving.epochsTrained()));
        s.put("grid_epochs", Long.toString(grid.epochsTrained()));
        s.put("halving_seconds", String.format(Locale.ROOT, "%.1f", seconds.get("halving")));
        s.put("grid_seconds", String.format(Locale.ROOT, "%.1f", seconds.get("grid")));
        s.put("ratio", String.format(Locale.ROOT, "%.3f", halving.epochsTrained() / (double) grid.epochsTrained()));
        StringBuilder line = new StringBuilder();
        s.forEach((k, v) -> line.append(line.length() == 0 ? "" : " ").append(k).append('=').append(v));
        System.out.println(line);
    }
}
