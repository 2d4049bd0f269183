package dev.regula.transfer.tune;

import dev.regula.transfer.train.HeadJob;
import dev.regula.transfer.train.StackListener;
import dev.regula.transfer.train.StackPlanner;
import dev.regula.transfer.train.StackRun;
import dev.regula.transfer.train.TrainedHead;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * The default trainer's rungs, as stacks ({@link StackRun}): the trials of a search train K at a time in
 * one graph per fold, and halving drops the trials it does not promote from their stacks
 * ({@link StackRun#retain}) instead of training each survivor alone.
 *
 * <p><b>Which trials share a stack.</b> A rule that depends only on the spec and the seed, never on what
 * a previous (killed) run already did: the search's configurations in id order, split by
 * {@link dev.regula.transfer.train.StackKey} (optimizer and batch settings a stack must share) and cut into
 * groups of {@link #groupSize} heads ({@link StackPlanner#plan}). A group keeps its stack for the whole
 * search: at rung k it holds its members that are still alive, the others having been dropped after the
 * rung that stopped them. So the stack a trial trains in at rung k is fixed by the spec, the seed and the
 * rung decisions, which are themselves fixed by the same.
 *
 * <p><b>Resume.</b> A head's floats depend on its stack's members (sums are ordered per stack; a different
 * stack agrees within about 1e-6, not bit for bit), so a resumed tune replays whole groups: a group whose
 * alive members are all in the log at a rung is not trained; otherwise its stack is rebuilt from the seed
 * with every member of the group and taken through the same sequence of advances and drops as the
 * uninterrupted run (rung 0's budget, drop the ones rung 0 stopped, rung 1's budget, ...). It computes
 * the same floats, so a resumed tune writes the same bytes as an uninterrupted one; it spends the replayed
 * epochs again.
 *
 * <p><b>Folds.</b> One stack per group and fold, not one per group over all folds with held-out rows weighted
 * 0: such a head would compute k/(k-1) times the rows it learns from, about what the bigger stack saves, and
 * its batches (a varying share of rows that count, more steps per epoch) would change every tuned result.
 * docs/pipeline.md (tune, "Folds are not stacked together") has the figures.
 */
final class StackedRungs {
    private final Map<String, State> states = new ConcurrentHashMap<>();

    /** A group's stack on one fold, paused after rung {@code through} of the path that built it. */
    private static final class State {
        final StackRun run;
        final int through;
        final int[] epochs;

        State(StackRun run, int through, int[] epochs) {
            this.run = run;
            this.through = through;
            this.epochs = epochs;
        }
    }

    /**
     * Heads per stack for a tune: {@link StackPlanner}'s rule evaluated for one core and a 256 MiB budget
     * whatever the machine, so that the grouping (and with it the bytes) depends only on the spec.
     */
    static int groupSize(TuneRequest request) {
        return StackPlanner.maxHeads(request.head(), request.train().dim(), request.classes(), request.training().batchSize(), 1,
                256L << 20);
    }

    /** The search's groups: configurations in id order, split by stack key and cut into {@link #groupSize} heads. */
    static List<List<TrialConfig>> groups(TuneRequest request, List<TrialConfig> configs) {
        List<TrialConfig> sorted = configs.stream().sorted(Comparator.comparing(TrialConfig::id)).toList();
        int epochs = request.training().epochs();
        List<HeadJob> jobs = sorted.stream().map(c -> headJob(request, c, epochs)).toList();
        List<List<TrialConfig>> out = new ArrayList<>();
        for (List<Integer> g : StackPlanner.plan(jobs, groupSize(request))) {
            out.add(g.stream().map(sorted::get).toList());
        }
        return out;
    }

    private static HeadJob headJob(TuneRequest request, TrialConfig c, int epochs) {
        TrialTrainer.Job j = Tuner.job(request, c, epochs, epochs, null);
        return HeadJob.of(j.regularization(), j.training());
    }

    /**
     * Trains the last rung of {@code path} for every group (skipping trials found in {@code done}); results
     * of the trials alive at that rung, ordered by id.
     *
     * @param path the rungs so far, the current one last
     * @param alive the trial ids alive at each rung of {@code path}
     */
    List<TrialResult> rung(TuneRequest request, Folds folds, String tag, List<List<TrialConfig>> groups, List<Halving.Rung> path,
            List<Set<String>> alive, TrialLog log, Map<String, TrialResult> done, ExecutorService pool, long[] epochs)
            throws IOException {
        int r = path.size() - 1;
        Halving.Rung rung = path.get(r);
        Set<String> now = alive.get(r);
        Map<String, TrialResult> out = new TreeMap<>();
        int k = folds.size();
        Map<String, FoldScore[]> scores = new ConcurrentHashMap<>();
        Map<String, float[][]> oof = new ConcurrentHashMap<>();
        Map<String, int[]> remaining = new ConcurrentHashMap<>();
        List<TrialConfig> todo = new ArrayList<>();
        List<Future<?>> futures = new ArrayList<>();
        int maxEpochs = request.training().epochs();
        for (int gi = 0; gi < groups.size(); gi++) {
            List<TrialConfig> group = groups.get(gi);
            List<TrialConfig> members = group.stream().filter(c -> now.contains(c.id())).toList();
            boolean any = false;
            for (TrialConfig c : members) {
                TrialResult logged = done.get(Tuner.key(c.id(), rung.index()));
                if (logged != null) {
                    out.put(c.id(), logged);
                } else {
                    any = true;
                    todo.add(c);
                    scores.put(c.id(), new FoldScore[k]);
                    oof.put(c.id(), new float[folds.trainVal().rows()][]);
                    remaining.put(c.id(), new int[] {k});
                }
            }
            for (int f = 0; f < k; f++) {
                String key = tag + gi + "@" + f;
                if (!any) {
                    close(states.remove(key));
                    continue;
                }
                Folds.Fold fold = folds.fold(f);
                State carried = states.remove(key);
                futures.add(pool.submit(() -> {
                    State state = carried;
                    boolean keep = false;
                    try {
                        if (state == null) {
                            List<HeadJob> jobs = group.stream().map(c -> headJob(request, c, maxEpochs)).toList();
                            state = new State(StackRun.start(fold.train(), fold.val(), request.classes(), request.head(),
                                    request.training().seed(), jobs, StackListener.NONE), -1, new int[group.size()]);
                        }
                        StackRun run = state.run;
                        for (int i = state.through + 1; i <= r; i++) {
                            Set<Integer> kept = new HashSet<>();
                            for (int j = 0; j < group.size(); j++) {
                                if (alive.get(i).contains(group.get(j).id())) {
                                    kept.add(j);
                                }
                            }
                            if (i > 0 || state.through >= 0) {
                                run.retain(kept);
                            }
                            run.advance(path.get(i).epochs());
                        }
                        List<TrainedHead> heads = run.results();
                        for (int j = 0; j < group.size(); j++) {
                            TrialConfig c = group.get(j);
                            if (!now.contains(c.id())) {
                                continue;
                            }
                            TrainedHead h = heads.get(j);
                            int size = h.history().epochs().size();
                            int trained = size - state.epochs[j];
                            state.epochs[j] = size;
                            if (!scores.containsKey(c.id())) {
                                continue;
                            }
                            float[][] proba = h.predictProba(fold.val());
                            var best = h.history().best();
                            FoldScore s = new FoldScore(fold.index(), best.valLoss(), best.trainLoss(), h.history().bestEpoch(), size);
                            TrialResult finished = null;
                            synchronized (scores) {
                                scores.get(c.id())[fold.index()] = s;
                                float[][] o = oof.get(c.id());
                                for (int i = 0; i < fold.valRows().length; i++) {
                                    o[fold.valRows()[i]] = proba[i];
                                }
                                epochs[0] += trained;
                                if (--remaining.get(c.id())[0] == 0) {
                                    finished = Tuner.result(c, rung, List.of(scores.get(c.id())), o, done);
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
                        // Kept even when finished: a later rung reads its frozen heads instead of replaying them.
                        states.put(key, new State(run, r, state.epochs));
                        keep = true;
                    } finally {
                        if (!keep && state != null) {
                            state.run.close();
                        }
                    }
                    return null;
                }));
            }
        }
        TrialFutures.awaitAll(futures);
        for (TrialConfig c : todo) {
            out.put(c.id(), Tuner.result(c, rung, List.of(scores.get(c.id())), oof.get(c.id()), done));
        }
        return new ArrayList<>(out.values());
    }

    /** Closes every paused stack. */
    void closeAll() {
        for (var it = states.values().iterator(); it.hasNext();) {
            close(it.next());
            it.remove();
        }
    }

    private static void close(State s) {
        if (s != null) {
            s.run.close();
        }
    }
}
