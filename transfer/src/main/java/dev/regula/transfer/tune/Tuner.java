package dev.regula.transfer.tune;

import dev.regula.transfer.regularize.EarlyStoppingSpec;
import dev.regula.transfer.regularize.RegularizationSpec;
import dev.regula.transfer.train.TrainedHead;
import dev.regula.transfer.train.TrainingSpec;
import dev.regula.transfer.tune.path.RegularizationPath;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The search for one head: folds, trials (in parallel), selection, verdicts and refit. The single entry
 * point the tune stage calls is {@link #tune(TuneRequest, TrialLog)}.
 *
 * <p><b>Trials.</b> {@code grid} crosses every dim's values ({@link Range#grid}; the first dim varies
 * slowest); {@code random} draws {@code trials} configurations from a {@link SplittableRandom} seeded with
 * the tune seed (dims in declared order, duplicates dropped); {@code halving} runs {@link Halving} on the
 * full grid when every dim is a choice, else on the random draws; {@code path} is
 * {@link RegularizationPath}. Every trial trains with the head's own training seed (common random
 * numbers: trials differ only in their knobs, which sharpens comparisons between them). During a trial
 * early stopping watches the fold's val NLL and keeps the best epoch's weights; the head's own
 * early-stopping patience applies when it has one, else the trial runs its whole budget.
 *
 * <p><b>Parallelism and determinism.</b> Trials run on {@code threads} workers, each task one batch of
 * trials ({@link TrialTrainer#batchSize()}) on one fold. libtorch's intra-op threads are process-wide:
 * run with {@code -Dai.djl.pytorch.num_threads=1} so that each worker uses one core and results do not
 * hang on how BLAS splits a sum. Results are collected and ordered by trial id before anything is
 * decided or written, so the same seed gives the same trials, winner and bytes whatever the scheduling.
 *
 * <p><b>Halving.</b> A promoted trial continues on each fold from the state its previous rung paused
 * ({@link TrialTrainer.Paused}); a fold that stopped early is not trained again and keeps its score.
 * Paused states live in memory only, for the length of one {@code tune} call.
 *
 * <p><b>Stacks.</b> With the default trainer ({@link HeadTrialTrainer}) the trials train as stacks, in groups
 * fixed by the spec and seed, and halving drops the stopped trials from their stacks; resume replays whole
 * groups so the bytes stay those of an uninterrupted run ({@link StackedRungs}). Each rung's stacks are
 * {@link StackTask}s that a {@link TrialRunner} executes: by default on the {@code threads} workers, or on
 * another engine (the Spark adapter), with the same result. Other trainers take the path below, one call per
 * batch of {@link TrialTrainer#batchSize()} trials, on the workers.
 *
 * <p><b>Resume.</b> A (trial id, rung) found in the log is not trained again; its record is used as is.
 * A promoted trial whose paused state was lost with the killed process is retrained from its seed to the
 * rung it needs: since a paused-and-continued run equals an uninterrupted one, the bytes are the same
 * (the resumed run spends those replayed epochs again; no checkpoint files are written).
 */
public final class Tuner {
    private Tuner() {}

    /** Runs the search described by {@code request}, recording finished trials in {@code log}. */
    public static TuneResult tune(TuneRequest request, TrialLog log) throws IOException {
        return tune(request, log, null);
    }

    /**
     * Runs the search as {@link #tune(TuneRequest, TrialLog)} does, with the stacked trials' tasks executed by
     * {@code runner} ({@link TrialRunner}; null = this JVM's {@code threads} workers). The result does not
     * depend on the runner.
     */
    public static TuneResult tune(TuneRequest request, TrialLog log, TrialRunner runner) throws IOException {
        TuneSpec t = request.tune();
        Folds folds = t.folds() == 0 ? Folds.fixed(request.train(), request.val())
                : request.groups() != null ? Folds.grouped(request.train(), request.val(), request.groups(), t.folds(), t.seed())
                : Folds.stratified(request.train(), request.val(), t.folds(), t.seed());
        Map<String, TrialResult> done = new HashMap<>();
        for (TrialResult r : log.completed()) {
            done.put(key(r.id(), r.rung()), r);
        }
        if (t.strategy() == TuneSpec.Strategy.PATH) {
            return RegularizationPath.run(request, folds, log, done);
        }
        ExecutorService pool = Executors.newFixedThreadPool(t.threads(), r -> {
            Thread th = new Thread(r, "regula-tune");
            th.setDaemon(true);
            return th;
        });
        Map<String, TrialTrainer.TrialFit> carry = new ConcurrentHashMap<>();
        StackedRungs stacks = request.trainer() instanceof HeadTrialTrainer
                ? new StackedRungs(runner != null ? runner : TrialRunner.local(pool)) : null;
        try {
            return search(request, folds, log, done, pool, carry, stacks);
        } finally {
            pool.shutdownNow();
            release(carry, id -> true);
            if (stacks != null) {
                stacks.closeAll();
            }
        }
    }

    private static TuneResult search(TuneRequest request, Folds folds, TrialLog log, Map<String, TrialResult> done,
            ExecutorService pool, Map<String, TrialTrainer.TrialFit> carry, StackedRungs stacks) throws IOException {
        TuneSpec t = request.tune();
        List<TrialConfig> configs = configs(request.space(), t);
        int maxEpochs = request.training().epochs();
        List<Halving.Rung> rungs = t.strategy() == TuneSpec.Strategy.HALVING
                ? Halving.schedule(configs.size(), maxEpochs,
                        t.minEpochs() != null ? t.minEpochs() : Halving.defaultMinEpochs(maxEpochs, t.eta()), t.eta())
                : List.of(new Halving.Rung(0, maxEpochs, configs.size()));
        int top = rungs.size() - 1;
        long[] epochs = {0};
        Map<String, TrialResult> latest = new TreeMap<>();
        List<TrialConfig> alive = configs.stream().sorted(Comparator.comparing(TrialConfig::id)).toList();
        List<List<TrialConfig>> groups = stacks == null ? null : StackedRungs.groups(request, configs);
        List<Set<String>> aliveByRung = new ArrayList<>();
        for (Halving.Rung rung : rungs) {
            aliveByRung.add(alive.stream().map(TrialConfig::id).collect(Collectors.toSet()));
            List<TrialResult> results = stacks != null
                    ? stacks.rung(request, folds, "g", groups, rungs.subList(0, rung.index() + 1), aliveByRung, log, done, epochs)
                    : runRung(request, folds, alive, rung, log, done, pool, epochs, carry);
            results.forEach(r -> latest.put(r.id(), r));
            if (rung.index() < top) {
                alive = Halving.promote(results, rungs.get(rung.index() + 1).trials()).stream().map(TrialResult::config).toList();
                Set<String> promoted = alive.stream().map(TrialConfig::id).collect(Collectors.toSet());
                release(carry, id -> !promoted.contains(id));
            }
        }
        release(carry, id -> true);
        if (stacks != null) {
            stacks.closeAll();
        }
        TrialResult baseline = null;
        if (request.baseline()) {
            TrialConfig b = baselineConfig(request);
            Halving.Rung last = new Halving.Rung(top, maxEpochs, 1);
            baseline = (stacks != null
                    ? stacks.rung(request, folds, "baseline", List.of(List.of(b)), List.of(last), List.of(Set.of(b.id())), log, done,
                            epochs)
                    : runRung(request, folds, List.of(b), last, log, done, pool, epochs, carry)).get(0);
            latest.put(baseline.id(), baseline);
        }
        List<TrialResult> finals = new ArrayList<>();
        for (TrialResult r : latest.values()) {
            finals.add(r.withStatus(r.rung() == top ? TrialResult.Status.COMPLETED : TrialResult.Status.STOPPED));
        }
        List<TrialResult> eligible = finals.stream().filter(r -> r.status() == TrialResult.Status.COMPLETED).toList();
        List<TrialResult> searched = finals.stream().filter(r -> !r.config().baseline()).toList();
        TrialResult base = baseline == null ? null : finals.stream().filter(r -> r.config().baseline()).findFirst().orElseThrow();
        TrialResult min = eligible.stream()
                .min(Comparator.comparingDouble(TrialResult::meanValNll).thenComparing(TrialResult::id)).orElseThrow();
        Selection provisional = Selection.select(t.rule(), request.space(), eligible, searched, base, null);
        int refitEpochs = Refit.epochs(provisional.winner());
        Selection selection = new Selection(provisional.rule(), provisional.winner(), min, provisional.threshold(),
                provisional.eligible(), provisional.verdicts(), refitEpochs);
        log.finish(finals);
        TrainedHead refit = !t.refit() ? null : Refit.train(folds.trainVal(), request.classes(), request.head(),
                request.regularization(), request.training(), selection.winner().config(), refitEpochs);
        return new TuneResult(finals, selection, refit, folds, epochs[0]);
    }

    /** Trains {@code alive} at {@code rung} on every fold (skipping logged ones); results ordered by id. */
    private static List<TrialResult> runRung(TuneRequest request, Folds folds, List<TrialConfig> alive, Halving.Rung rung,
            TrialLog log, Map<String, TrialResult> done, ExecutorService pool, long[] epochs,
            Map<String, TrialTrainer.TrialFit> carry) throws IOException {
        Map<String, TrialResult> out = new TreeMap<>();
        List<TrialConfig> todo = new ArrayList<>();
        for (TrialConfig c : alive) {
            TrialResult r = done.get(key(c.id(), rung.index()));
            if (r != null) {
                out.put(c.id(), r);
            } else {
                todo.add(c);
            }
        }
        int k = folds.size();
        Map<String, FoldScore[]> scores = new LinkedHashMap<>();
        Map<String, float[][]> oof = new HashMap<>();
        Map<String, int[]> remaining = new HashMap<>();
        for (TrialConfig c : todo) {
            scores.put(c.id(), new FoldScore[k]);
            oof.put(c.id(), new float[folds.trainVal().rows()][]);
            remaining.put(c.id(), new int[] {k});
        }
        Folds.Fold[] fold = new Folds.Fold[k];
        for (int f = 0; f < k; f++) {
            fold[f] = folds.fold(f);
        }
        int batch = Math.max(1, request.trainer().batchSize());
        int maxEpochs = request.training().epochs();
        List<Future<?>> futures = new ArrayList<>();
        for (int from = 0; from < todo.size(); from += batch) {
            List<TrialConfig> group = todo.subList(from, Math.min(todo.size(), from + batch));
            for (int f = 0; f < k; f++) {
                Folds.Fold fd = fold[f];
                // What each trial carries into this rung on this fold, taken out of the map here so that
                // the trainer owns the paused state from now on.
                List<TrialTrainer.TrialFit> previous = new ArrayList<>();
                for (TrialConfig c : group) {
                    previous.add(carry.remove(key(c.id(), f)));
                }
                futures.add(pool.submit(() -> {
                    List<TrialTrainer.Job> jobs = new ArrayList<>();
                    List<TrialTrainer.TrialFit> fits = new ArrayList<>();
                    for (int j = 0; j < group.size(); j++) {
                        TrialTrainer.TrialFit prev = previous.get(j);
                        // A fold that stopped early has its final score already: neither retrained nor penalised.
                        boolean final_ = prev != null && prev.paused() == null && prev.history().stoppedEarly();
                        fits.add(final_ ? prev : null);
                        if (!final_) {
                            jobs.add(job(request, group.get(j), maxEpochs, rung.epochs(), prev == null ? null : prev.paused()));
                        }
                    }
                    List<TrialTrainer.TrialFit> trained = jobs.isEmpty() ? List.of()
                            : request.trainer().train(fd, request.classes(), request.head(), jobs);
                    if (trained.size() != jobs.size()) {
                        throw new IllegalStateException("trial trainer returned " + trained.size() + " fits for " + jobs.size() + " jobs");
                    }
                    for (int j = 0, t = 0; j < group.size(); j++) {
                        if (fits.get(j) == null) {
                            fits.set(j, trained.get(t++));
                        }
                    }
                    for (int j = 0; j < group.size(); j++) {
                        TrialConfig c = group.get(j);
                        TrialTrainer.TrialFit fit = fits.get(j);
                        TrialTrainer.TrialFit prev = previous.get(j);
                        if (fit.paused() != null || fit.history().stoppedEarly()) {
                            carry.put(key(c.id(), fd.index()), fit);
                        }
                        int trainedEpochs = fit.history().epochs().size() - (prev == null ? 0 : prev.history().epochs().size());
                        var best = fit.history().best();
                        FoldScore s = new FoldScore(fd.index(), best.valLoss(), best.trainLoss(), fit.history().bestEpoch(),
                                fit.history().epochs().size());
                        TrialResult finished = null;
                        synchronized (scores) {
                            scores.get(c.id())[fd.index()] = s;
                            float[][] o = oof.get(c.id());
                            for (int i = 0; i < fd.valRows().length; i++) {
                                o[fd.valRows()[i]] = fit.valProba()[i];
                            }
                            epochs[0] += trainedEpochs;
                            if (--remaining.get(c.id())[0] == 0) {
                                finished = result(c, rung, List.of(scores.get(c.id())), o, done);
                            }
                        }
                        if (finished != null) {
                            try {
                                log.append(finished);
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
                        }
                    }
                    return null;
                }));
            }
        }
        TrialFutures.awaitAll(futures);
        for (TrialConfig c : todo) {
            out.put(c.id(), result(c, rung, List.of(scores.get(c.id())), oof.get(c.id()), done));
        }
        return new ArrayList<>(out.values());
    }

    static TrialResult result(TrialConfig c, Halving.Rung rung, List<FoldScore> folds, float[][] oof,
            Map<String, TrialResult> done) {
        List<RungScore> history = new ArrayList<>();
        for (int r = 0; r < rung.index(); r++) {
            TrialResult earlier = done.get(key(c.id(), r));
            if (earlier != null) {
                history.add(earlier.rungs().get(earlier.rungs().size() - 1));
            }
        }
        double mean = folds.stream().mapToDouble(FoldScore::valNll).sum() / folds.size();
        history.add(new RungScore(rung.index(), rung.epochs(), mean));
        TrialResult r = new TrialResult(c, rung.index(), TrialResult.Status.COMPLETED, folds, history, oof);
        synchronized (done) {
            done.put(key(c.id(), rung.index()), r);
        }
        return r;
    }

    /**
     * The job of a trial: its knobs applied, early stopping on the fold's val NLL, an {@code epochs}-epoch
     * run paused at {@code until}, continuing {@code from} when given.
     */
    static TrialTrainer.Job job(TuneRequest request, TrialConfig c, int epochs, int until, TrialTrainer.Paused from) {
        RegularizationSpec base = c.apply(request.regularization());
        EarlyStoppingSpec es = request.regularization().earlyStopping();
        int patience = es != null ? es.patience() : epochs;
        RegularizationSpec reg = base.toBuilder()
                .earlyStopping(new EarlyStoppingSpec(EarlyStoppingSpec.Metric.VAL_LOSS, patience, 0)).build();
        TrainingSpec training = c.apply(request.training()).withEpochs(epochs);
        return new TrialTrainer.Job(c.id(), reg, training, until, from);
    }

    /** Closes and drops the paused states of the trials {@code which} accepts. */
    private static void release(Map<String, TrialTrainer.TrialFit> carry, Predicate<String> which) {
        for (var it = carry.entrySet().iterator(); it.hasNext();) {
            var e = it.next();
            String id = e.getKey().substring(0, e.getKey().lastIndexOf('@'));
            if (which.test(id)) {
                it.remove();
                if (e.getValue().paused() != null) {
                    e.getValue().paused().close();
                }
            }
        }
    }

    /** The user's configured values of the searched knobs (the baseline trial's configuration). */
    public static TrialConfig baselineConfig(TuneRequest request) {
        Map<Knob, Double> p = new LinkedHashMap<>();
        for (Knob k : request.space().knobs()) {
            p.put(k, k.read(request.regularization(), request.training()));
        }
        return new TrialConfig(p, request.tune().seed(), true);
    }

    /** The configurations a grid, random or halving search evaluates, in generation order. */
    public static List<TrialConfig> configs(SearchSpace space, TuneSpec t) {
        boolean grid = t.strategy() == TuneSpec.Strategy.GRID
                || (t.strategy() == TuneSpec.Strategy.HALVING && space.allChoices());
        Map<String, TrialConfig> out = new LinkedHashMap<>();
        if (grid) {
            List<Map<Knob, Double>> points = new ArrayList<>();
            points.add(new LinkedHashMap<>());
            for (SearchSpace.Dim d : space.dims()) {
                List<Map<Knob, Double>> next = new ArrayList<>();
                for (Map<Knob, Double> p : points) {
                    for (double v : d.range().grid(t.gridPoints())) {
                        Map<Knob, Double> q = new LinkedHashMap<>(p);
                        q.put(d.knob(), v);
                        next.add(q);
                    }
                }
                points = next;
            }
            for (Map<Knob, Double> p : points) {
                TrialConfig c = new TrialConfig(p, t.seed(), false);
                out.putIfAbsent(c.id(), c);
            }
        } else {
            SplittableRandom rng = new SplittableRandom(t.seed());
            for (int i = 0; i < t.trials(); i++) {
                Map<Knob, Double> p = new LinkedHashMap<>();
                for (SearchSpace.Dim d : space.dims()) {
                    p.put(d.knob(), d.range().sample(rng));
                }
                TrialConfig c = new TrialConfig(p, t.seed(), false);
                out.putIfAbsent(c.id(), c);
            }
        }
        return new ArrayList<>(out.values());
    }

    static String key(String id, int rung) {
        return id + "@" + rung;
    }
}
