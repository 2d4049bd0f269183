package dev.regula.transfer.tune.path;

import dev.regula.transfer.features.FeatureMatrix;
import dev.regula.transfer.head.LayerWeights;
import dev.regula.transfer.regularize.RegularizationSpec;
import dev.regula.transfer.train.EpochRecord;
import dev.regula.transfer.train.Metrics;
import dev.regula.transfer.train.TrainedHead;
import dev.regula.transfer.train.TrainingHistory;
import dev.regula.transfer.tune.FoldScore;
import dev.regula.transfer.tune.Folds;
import dev.regula.transfer.tune.Knob;
import dev.regula.transfer.tune.Range;
import dev.regula.transfer.tune.RungScore;
import dev.regula.transfer.tune.SearchSpace;
import dev.regula.transfer.tune.Selection;
import dev.regula.transfer.tune.TrialConfig;
import dev.regula.transfer.tune.TrialLog;
import dev.regula.transfer.tune.TrialResult;
import dev.regula.transfer.tune.TuneRequest;
import dev.regula.transfer.tune.TuneResult;
import dev.regula.transfer.tune.TuneSpec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The {@code path} strategy: a glmnet-style regularization path for a {@code linear} head, solved
 * full-batch by {@link LogisticSolver}.
 *
 * <p><b>λ_max.</b> With the intercept fitted alone (class log-priors) and every weight at zero, the
 * gradient of the mean NLL w.r.t. the weights is {@code g = Xᵀ(P − Y)/n}. A penalty whose L1 share is
 * {@code s} (l1: 1; elastic_net: its l1_ratio; l2: 0) keeps every weight at zero exactly when
 * {@code λ·s ≥ max|g|}, so {@code λ_max = max|g| / s}. For a pure ridge path ({@code s = 0}) no λ zeroes
 * the weights; as glmnet does for small alpha, the L1 share is floored at 1e-3, so
 * {@code λ_max = max|g| / 1e-3} (see {@link Range.Path} for the matching default ratio). λ_max is computed
 * once on train+val and the same strengths are used on every fold, as {@code cv.glmnet} does.
 *
 * <p><b>Path.</b> Strengths run geometrically from λ_max down; each solve starts from the previous
 * strength's solution (warm start). Other searched knobs must be finite (choices, or continuous ranges
 * gridded): the path is run once per combination of their values. A trial is one (combination, λ);
 * its fold "epochs" are solver iterations. The refit solves train+val along the same path down to the
 * selected λ, and returns an ordinary {@link TrainedHead} (one softmax layer) that exports like any other.
 */
public final class RegularizationPath {
    /** Solver tolerance on the largest (proximal) gradient entry of the mean loss, as scikit-learn's default. */
    public static final double TOL = 1e-4;
    /** Iteration cap per strength. */
    public static final int MAX_ITER = 1000;

    private RegularizationPath() {}

    /** Runs the path search (called by {@link dev.regula.transfer.tune.Tuner#tune}). */
    public static TuneResult run(TuneRequest request, Folds folds, TrialLog log, Map<String, TrialResult> done)
            throws IOException {
        checkSupported(request.regularization());
        TuneSpec t = request.tune();
        SearchSpace space = request.space();
        SearchSpace.Dim pathDim = space.path();
        Range.Path path = (Range.Path) pathDim.range();
        double maxGrad;
        try (LogisticSolver all = new LogisticSolver(folds.trainVal(), request.classes())) {
            maxGrad = all.maxAbsWeightGradient(all.interceptOnly());
        }
        List<List<TrialConfig>> lines = new ArrayList<>();
        for (Map<Knob, Double> other : otherPoints(space, t.gridPoints())) {
            RegularizationSpec lineReg = request.regularization();
            for (Map.Entry<Knob, Double> e : other.entrySet()) {
                lineReg = e.getKey().apply(lineReg, e.getValue());
            }
            double share = l1Share(pathDim.knob(), lineReg);
            double lambdaMax = maxGrad / Math.max(share, 1e-3);
            List<TrialConfig> line = new ArrayList<>();
            for (double lambda : path.strengths(lambdaMax, share > 0)) {
                Map<Knob, Double> p = new LinkedHashMap<>();
                for (SearchSpace.Dim d : space.dims()) {
                    p.put(d.knob(), d == pathDim ? lambda : other.get(d.knob()));
                }
                line.add(new TrialConfig(p, t.seed(), false));
            }
            lines.add(line);
        }
        int k = folds.size();
        Folds.Fold[] fold = new Folds.Fold[k];
        for (int f = 0; f < k; f++) {
            fold[f] = folds.fold(f);
        }
        ExecutorService pool = Executors.newFixedThreadPool(t.threads(), r -> {
            Thread th = new Thread(r, "regula-tune-path");
            th.setDaemon(true);
            return th;
        });
        Map<String, TrialResult> results = new TreeMap<>();
        long iterations = 0;
        try {
            List<List<Future<FoldLine>>> futures = new ArrayList<>();
            for (List<TrialConfig> line : lines) {
                boolean logged = line.stream().allMatch(c -> done.containsKey(c.id() + "@0"));
                List<Future<FoldLine>> perFold = new ArrayList<>();
                if (!logged) {
                    for (int f = 0; f < k; f++) {
                        Folds.Fold fd = fold[f];
                        perFold.add(pool.submit(() -> solveLine(fd, request, line)));
                    }
                }
                futures.add(perFold);
            }
            for (int l = 0; l < lines.size(); l++) {
                List<TrialConfig> line = lines.get(l);
                if (futures.get(l).isEmpty()) {
                    line.forEach(c -> results.put(c.id(), done.get(c.id() + "@0")));
                    continue;
                }
                List<FoldLine> perFold = new ArrayList<>();
                for (Future<FoldLine> fu : futures.get(l)) {
                    perFold.add(get(fu));
                }
                for (int i = 0; i < line.size(); i++) {
                    TrialConfig c = line.get(i);
                    List<FoldScore> scores = new ArrayList<>();
                    float[][] oof = new float[folds.trainVal().rows()][];
                    for (FoldLine fl : perFold) {
                        scores.add(fl.scores.get(i));
                        iterations += fl.scores.get(i).epochs();
                        for (int r = 0; r < fl.valRows.length; r++) {
                            oof[fl.valRows[r]] = fl.proba.get(i)[r];
                        }
                    }
                    double mean = scores.stream().mapToDouble(FoldScore::valNll).sum() / k;
                    TrialResult res = new TrialResult(c, 0, TrialResult.Status.COMPLETED, scores,
                            List.of(new RungScore(0, 0, mean)), oof);
                    TrialResult old = done.get(c.id() + "@0");
                    if (old == null) {
                        log.append(res);
                    }
                    results.put(c.id(), old != null ? old : res);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        List<TrialResult> finals = new ArrayList<>(results.values());
        Selection selection = Selection.select(t.rule(), space, finals, finals, null, null);
        log.finish(finals);
        TrainedHead refit = null;
        if (t.refit()) {
            TrialConfig w = selection.winner().config();
            List<TrialConfig> line = lines.stream().filter(l -> l.contains(w)).findFirst().orElseThrow();
            refit = refit(folds.trainVal(), request, line.subList(0, line.indexOf(w) + 1));
        }
        return new TuneResult(finals, selection, refit, folds, iterations);
    }

    private record FoldLine(List<FoldScore> scores, List<float[][]> proba, int[] valRows) {}

    private static FoldLine solveLine(Folds.Fold fd, TuneRequest request, List<TrialConfig> line) {
        List<FoldScore> scores = new ArrayList<>();
        List<float[][]> proba = new ArrayList<>();
        try (LogisticSolver solver = new LogisticSolver(fd.train(), request.classes())) {
            double[] warm = solver.interceptOnly();
            for (TrialConfig c : line) {
                double[] a = penalties(c.apply(request.regularization()));
                LogisticSolver.Solution s = solver.solve(a[0], a[1], warm, TOL, MAX_ITER);
                warm = s.theta();
                float[][] p = solver.proba(fd.val(), s.theta());
                double valNll = Metrics.of(p, fd.val().labels()).loss();
                int it = Math.max(1, s.iterations());
                scores.add(new FoldScore(fd.index(), valNll, s.trainNll(), it, it));
                proba.add(p);
            }
        }
        return new FoldLine(scores, proba, fd.valRows());
    }

    /** Solves train+val along {@code line} (warm starts) and returns its last point as a trained head. */
    static TrainedHead refit(FeatureMatrix trainVal, TuneRequest request, List<TrialConfig> line) {
        try (LogisticSolver solver = new LogisticSolver(trainVal, request.classes())) {
            double[] theta = solver.interceptOnly();
            int iterations = 0;
            RegularizationSpec reg = request.regularization();
            for (TrialConfig c : line) {
                reg = c.apply(request.regularization());
                double[] a = penalties(reg);
                LogisticSolver.Solution s = solver.solve(a[0], a[1], theta, TOL, MAX_ITER);
                theta = s.theta();
                iterations += s.iterations();
            }
            LayerWeights layer = solver.layer(theta);
            Metrics m = Metrics.of(solver.proba(trainVal, theta), trainVal.labels());
            long zeros = 0;
            for (float[] row : layer.w()) {
                for (float v : row) {
                    zeros += v == 0f ? 1 : 0;
                }
            }
            double sparsity = (double) zeros / ((long) layer.out() * layer.in());
            EpochRecord record = new EpochRecord(Math.max(1, iterations), request.training().learningRate(), m.loss(), m.loss(),
                    m.accuracy(), m.macroF1(), null, null, null, null, null, List.of(layer.weightL2Norm()), sparsity, 0,
                    List.of(0.0));
            return new TrainedHead(request.head(), reg, request.training(), request.classes(), List.of(layer),
                    new TrainingHistory(List.of(record), 1, false), sparsity, new double[] {0});
        }
    }

    /** {a1, a2}: the L1 and L2 coefficients of the loss under {@code reg}. */
    static double[] penalties(RegularizationSpec reg) {
        double a1 = reg.l1();
        double a2 = reg.l2();
        if (reg.elasticNet() != null) {
            a1 += reg.elasticNet().alpha() * reg.elasticNet().l1Ratio();
            a2 += reg.elasticNet().alpha() * (1 - reg.elasticNet().l1Ratio());
        }
        return new double[] {a1, a2};
    }

    private static double l1Share(Knob k, RegularizationSpec reg) {
        return switch (k) {
            case L1 -> 1;
            case L2 -> 0;
            case ELASTIC_NET_ALPHA -> reg.elasticNet() == null ? 0.5 : reg.elasticNet().l1Ratio();
            default -> throw new IllegalArgumentException(k.path() + ": not a penalty strength");
        };
    }

    /** The grid of the non-path dims (one empty map when the path is the only dim). */
    private static List<Map<Knob, Double>> otherPoints(SearchSpace space, int gridPoints) {
        List<Map<Knob, Double>> points = new ArrayList<>();
        points.add(new LinkedHashMap<>());
        for (SearchSpace.Dim d : space.dims()) {
            if (d.range() instanceof Range.Path) {
                continue;
            }
            if (d.knob() != Knob.L1 && d.knob() != Knob.L2 && d.knob() != Knob.ELASTIC_NET_ALPHA
                    && d.knob() != Knob.ELASTIC_NET_L1_RATIO) {
                throw new IllegalArgumentException(d.knob().path() + ": strategy 'path' solves the penalised loss "
                        + "full-batch and can cross the path only with l1, l2 and elastic_net knobs");
            }
            List<Map<Knob, Double>> next = new ArrayList<>();
            for (Map<Knob, Double> p : points) {
                for (double v : d.range().grid(gridPoints)) {
                    Map<Knob, Double> q = new LinkedHashMap<>(p);
                    q.put(d.knob(), v);
                    next.add(q);
                }
            }
            points = next;
        }
        return points;
    }

    /** The path solver handles loss penalties only; other regularizers would be silently dropped. */
    private static void checkSupported(RegularizationSpec reg) {
        List<String> found = new ArrayList<>();
        if (reg.dropout().kind() != dev.regula.transfer.regularize.DropoutSpec.Kind.NONE) {
            found.add("dropout");
        }
        if (reg.weightDecay() > 0) {
            found.add("weight_decay");
        }
        if (reg.maxNorm() != null) {
            found.add("max_norm");
        }
        if (reg.labelSmoothing() > 0) {
            found.add("label_smoothing");
        }
        if (reg.classWeights() != null) {
            found.add("class_weights");
        }
        if (reg.l2Sp() != null) {
            found.add("l2_sp");
        }
        if (reg.includeBias()) {
            found.add("include_bias");
        }
        if (!found.isEmpty()) {
            throw new IllegalArgumentException("tune.strategy: 'path' solves the l1/l2/elastic_net loss full-batch; this "
                    + "head also sets " + found + ", which it cannot honour; use strategy grid, random or halving");
        }
    }

    private static <T> T get(Future<T> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("tuning was interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException("a path solve failed", e.getCause());
        }
    }

    static Comparator<TrialConfig> byId() {
        return Comparator.comparing(TrialConfig::id);
    }
}
