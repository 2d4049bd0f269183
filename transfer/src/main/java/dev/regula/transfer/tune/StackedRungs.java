package dev.regula.transfer.tune;

import dev.regula.transfer.train.HeadJob;
import dev.regula.transfer.train.StackPlanner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The default trainer's rungs, as stacks ({@link dev.regula.transfer.train.StackRun}): the trials of a search train K at a time in
 * one graph per fold, and halving drops the trials it does not promote from their stacks
 * ({@link dev.regula.transfer.train.StackRun#retain}) instead of training each survivor alone.
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
    private final TrialRunner runner;

    StackedRungs(TrialRunner runner) {
        this.runner = runner;
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
            List<Set<String>> alive, TrialLog log, Map<String, TrialResult> done, long[] epochs) throws IOException {
        int r = path.size() - 1;
        Halving.Rung rung = path.get(r);
        Set<String> now = alive.get(r);
        Map<String, TrialResult> out = new TreeMap<>();
        int k = folds.size();
        Map<String, FoldScore[]> scores = new ConcurrentHashMap<>();
        Map<String, float[][]> oof = new ConcurrentHashMap<>();
        Map<String, int[]> remaining = new ConcurrentHashMap<>();
        Map<String, List<TrialConfig>> groupOf = new HashMap<>();
        List<TrialConfig> todo = new ArrayList<>();
        List<StackTask> tasks = new ArrayList<>();
        int maxEpochs = request.training().epochs();
        int[] budgets = path.stream().mapToInt(Halving.Rung::epochs).toArray();
        for (int gi = 0; gi < groups.size(); gi++) {
            List<TrialConfig> group = groups.get(gi);
            boolean[] report = new boolean[group.size()];
            boolean any = false;
            for (int j = 0; j < group.size(); j++) {
                TrialConfig c = group.get(j);
                if (!now.contains(c.id())) {
                    continue;
                }
                TrialResult logged = done.get(Tuner.key(c.id(), rung.index()));
                if (logged != null) {
                    out.put(c.id(), logged);
                } else {
                    any = true;
                    report[j] = true;
                    todo.add(c);
                    scores.put(c.id(), new FoldScore[k]);
                    oof.put(c.id(), new float[folds.trainVal().rows()][]);
                    remaining.put(c.id(), new int[] {k});
                }
            }
            List<HeadJob> jobs = any ? group.stream().map(c -> headJob(request, c, maxEpochs)).toList() : null;
            List<boolean[]> masks = new ArrayList<>();
            for (Set<String> a : alive) {
                boolean[] m = new boolean[group.size()];
                for (int j = 0; j < group.size(); j++) {
                    m[j] = a.contains(group.get(j).id());
                }
                masks.add(m);
            }
            for (int f = 0; f < k; f++) {
                String key = tag + gi + "@" + f;
                if (!any) {
                    runner.forget(key);
                    continue;
                }
                groupOf.put(key, group);
                tasks.add(new StackTask(key, f, jobs, budgets, masks, report));
            }
        }
        StackTask.Context context = new StackTask.Context(folds, request.head(), request.classes(), request.training().seed());
        runner.run(context, tasks, outcome -> {
            List<TrialConfig> group = groupOf.get(outcome.key());
            int[] valRows = folds.heldOut().get(outcome.fold());
            for (int j = 0; j < group.size(); j++) {
                StackTask.Member m = outcome.members().get(j);
                TrialConfig c = group.get(j);
                if (m == null || !scores.containsKey(c.id())) {
                    continue;
                }
                FoldScore s = new FoldScore(outcome.fold(), m.valNll(), m.trainNll(), m.bestEpoch(), m.epochs());
                TrialResult finished = null;
                synchronized (scores) {
                    scores.get(c.id())[outcome.fold()] = s;
                    float[][] o = oof.get(c.id());
                    for (int i = 0; i < valRows.length; i++) {
                        o[valRows[i]] = m.valProba()[i];
                    }
                    epochs[0] += m.trained();
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
        });
        for (TrialConfig c : todo) {
            out.put(c.id(), Tuner.result(c, rung, List.of(scores.get(c.id())), oof.get(c.id()), done));
        }
        return new ArrayList<>(out.values());
    }

    /** Frees every paused stack. */
    void closeAll() {
        runner.release();
    }
}
