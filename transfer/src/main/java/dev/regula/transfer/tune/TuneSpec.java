package dev.regula.transfer.tune;

import java.util.Arrays;
import java.util.Locale;

/**
 * How to search. YAML keys map 1:1 ({@code tune:} block).
 *
 * @param strategy grid | random | halving | path
 * @param trials configurations drawn by {@code random} and {@code halving} (ignored by grid and path), >= 1
 * @param folds k >= 2: stratified (grouped when group ids are given) k-fold CV on train+val; 0: the
 *     fixed train/val split
 * @param rule min | one_se
 * @param refit whether to retrain the winner on train+val; null = true when {@code folds > 0}
 * @param eta halving reduction factor, >= 2 (default 3)
 * @param minEpochs halving minimum resource: no trial is stopped before this many epochs; it sets the
 *     number of rungs, and {@link Halving#schedule} may raise the first rung above it within the budget;
 *     null = {@code max(1, round(epochs / eta²))} (three rungs)
 * @param gridPoints points per continuous range in a grid, >= 2 (default 5)
 * @param seed seeds folds and random draws; part of every trial id
 * @param threads trials trained at once, one libtorch thread each, >= 1
 */
public record TuneSpec(
        Strategy strategy,
        int trials,
        int folds,
        Rule rule,
        Boolean refit,
        int eta,
        Integer minEpochs,
        int gridPoints,
        long seed,
        int threads) {

    /** Search strategy. */
    public enum Strategy {
        GRID, RANDOM, HALVING, PATH;

        public String yamlName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Strategy of(String s) {
            return parse(values(), s, "tune.strategy");
        }
    }

    /** Selection rule. */
    public enum Rule {
        MIN, ONE_SE;

        public String yamlName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Rule of(String s) {
            return parse(values(), s, "tune.rule");
        }
    }

    static <E extends Enum<E>> E parse(E[] values, String s, String key) {
        for (E e : values) {
            if (e.name().toLowerCase(Locale.ROOT).equals(s)) {
                return e;
            }
        }
        throw new IllegalArgumentException(key + ": unknown value '" + s + "', expected one of "
                + Arrays.stream(values).map(e -> e.name().toLowerCase(Locale.ROOT)).toList());
    }

    public TuneSpec {
        rule = rule == null ? Rule.ONE_SE : rule;
        if (strategy == null) {
            throw new IllegalArgumentException("tune.strategy: required, one of [grid, random, halving, path]");
        }
        if (trials < 1) {
            throw new IllegalArgumentException("tune.trials: expected >= 1, got " + trials);
        }
        if (folds < 0 || folds == 1) {
            throw new IllegalArgumentException("tune.folds: expected 0 (fixed val split) or k >= 2, got " + folds);
        }
        refit = refit == null ? folds > 0 : refit;
        if (eta < 2) {
            throw new IllegalArgumentException("tune.eta: expected >= 2, got " + eta);
        }
        if (minEpochs != null && minEpochs < 1) {
            throw new IllegalArgumentException("tune.min_epochs: expected >= 1, got " + minEpochs);
        }
        if (gridPoints < 2) {
            throw new IllegalArgumentException("tune.grid_points: expected >= 2, got " + gridPoints);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("tune.threads: expected >= 1, got " + threads);
        }
    }

    /** Defaults: 24 trials, 5 folds, one_se, refit, eta 3, 5 grid points, one thread. */
    public static TuneSpec of(Strategy strategy, long seed) {
        return new TuneSpec(strategy, 24, 5, Rule.ONE_SE, null, 3, null, 5, seed, 1);
    }

    public TuneSpec withTrials(int n) {
        return new TuneSpec(strategy, n, folds, rule, refit, eta, minEpochs, gridPoints, seed, threads);
    }

    public TuneSpec withFolds(int k) {
        return new TuneSpec(strategy, trials, k, rule, null, eta, minEpochs, gridPoints, seed, threads);
    }

    public TuneSpec withRule(Rule r) {
        return new TuneSpec(strategy, trials, folds, r, refit, eta, minEpochs, gridPoints, seed, threads);
    }

    public TuneSpec withRefit(boolean r) {
        return new TuneSpec(strategy, trials, folds, rule, r, eta, minEpochs, gridPoints, seed, threads);
    }

    public TuneSpec withHalving(int eta, Integer minEpochs) {
        return new TuneSpec(strategy, trials, folds, rule, refit, eta, minEpochs, gridPoints, seed, threads);
    }

    public TuneSpec withThreads(int n) {
        return new TuneSpec(strategy, trials, folds, rule, refit, eta, minEpochs, gridPoints, seed, n);
    }

    public TuneSpec withGridPoints(int n) {
        return new TuneSpec(strategy, trials, folds, rule, refit, eta, minEpochs, n, seed, threads);
    }
}
