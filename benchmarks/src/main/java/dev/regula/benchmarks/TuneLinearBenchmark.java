package dev.regula.benchmarks;

import dev.regula.transfer.features.FeatureJobResult;
import dev.regula.transfer.features.FeatureMatrix;
import dev.regula.transfer.features.FeatureStore;
import dev.regula.transfer.head.HeadSpec;
import dev.regula.transfer.regularize.RegularizationSpec;
import dev.regula.transfer.train.Metrics;
import dev.regula.transfer.train.TrainingSpec;
import dev.regula.transfer.tune.Folds;
import dev.regula.transfer.tune.Knob;
import dev.regula.transfer.tune.Range;
import dev.regula.transfer.tune.SearchSpace;
import dev.regula.transfer.tune.TrialLog;
import dev.regula.transfer.tune.TuneRequest;
import dev.regula.transfer.tune.TuneResult;
import dev.regula.transfer.tune.TuneSpec;
import dev.regula.transfer.tune.Tuner;
import java.io.BufferedReader;
import java.io.DataOutputStream;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Issue 11's {@code tune-linear}: Regula's L2 path (30 strengths, 5-fold stratified CV on train+val,
 * rule {@code min}, refit on train+val) against scikit-learn's
 * {@code LogisticRegressionCV(Cs=30, cv=<the same 5 folds>, scoring='neg_log_loss')} on the spam
 * example's MiniLM features. Both refit on train+val and are scored once on the test split. Strengths
 * are compared in sklearn's units: a binary Regula head with {@code l2·ΣW²} over its two softmax rows
 * is logistic regression with {@code (l2/2)·|β|²} on the mean loss, i.e. {@code C = 1/(l2·n)}.
 *
 * <p>Wall time: Regula's {@link Tuner#tune} (path on every fold + refit) against sklearn's {@code fit}
 * (path on every fold + refit), both with {@code --threads} workers and one BLAS thread each.
 * {@code ratio} = Regula seconds / sklearn seconds (lower is better; target <= 1.5), and
 * {@code nll_ratio} = Regula test NLL / sklearn test NLL (target <= 1.02).
 *
 * <p>Options: {@code --data examples/spam/spamassassin.jsonl.gz --out benchmarks/out/spam-quality --seed 42
 * --threads 1 --rounds 3 --python /usr/bin/python3}.
 */
public final class TuneLinearBenchmark {
    private TuneLinearBenchmark() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("data", "examples/spam/spamassassin.jsonl.gz");
        o.put("out", "benchmarks/out/spam-quality");
        o.put("seed", "42");
        o.put("threads", "1");
        o.put("rounds", "3");
        o.put("python", "/usr/bin/python3");
        Options.parse(o, args);
        long seed = Long.parseLong(o.get("seed"));
        int threads = Integer.parseInt(o.get("threads"));
        Path out = Path.of(o.get("out"));
        FeatureJobResult features = SpamFeatures.build(Path.of(o.get("data")), out, seed);
        FeatureStore store = FeatureStore.open(features.store());
        FeatureMatrix train = store.split("train");
        FeatureMatrix val = store.split("val");
        FeatureMatrix test = store.split("test");
        int classes = store.labels().size();

        TuneSpec spec = new TuneSpec(TuneSpec.Strategy.PATH, 1, 5, TuneSpec.Rule.MIN, true, 3, null, 5, seed, threads);
        SearchSpace space = SearchSpace.of(new SearchSpace.Dim(Knob.L2, new Range.Path(30)));
        TuneRequest request = new TuneRequest(train, val, null, classes, HeadSpec.linear(), RegularizationSpec.none(),
                TrainingSpec.adam(1e-2, 64, 1, seed), space, spec, false, null);
        Path foldFile = out.resolve("tune-linear/folds.i32");
        writeFolds(Folds.stratified(train, val, 5, seed), foldFile);

        List<Double> regulaSeconds = new ArrayList<>();
        List<Double> peerSeconds = new ArrayList<>();
        TuneResult result = null;
        Map<String, String> peer = null;
        int rounds = Integer.parseInt(o.get("rounds"));
        for (int round = 0; round < rounds; round++) {
            // Alternate who goes first, so a load spike on the shared machine does not always hit the same side.
            for (int side = 0; side < 2; side++) {
                if ((side == 0) == (round % 2 == 0)) {
                    long t0 = System.nanoTime();
                    result = Tuner.tune(request, TrialLog.none());
                    regulaSeconds.add((System.nanoTime() - t0) / 1e9);
                } else {
                    peer = runPeer(o.get("python"), store.dir(), foldFile, train.dim(), threads);
                    peerSeconds.add(Double.parseDouble(peer.get("sklearn_seconds")));
                }
            }
            System.out.printf(Locale.ROOT, "round %d: regula %.2f s, sklearn %.2f s%n", round + 1,
                    regulaSeconds.get(round), peerSeconds.get(round));
        }
        Metrics m = Metrics.of(result.refit().predictProba(test), test.labels());
        double l2 = result.selection().winner().config().value(Knob.L2);
        int n = train.rows() + val.rows();
        double regulaMedian = median(regulaSeconds);
        double peerMedian = median(peerSeconds);
        double peerNll = Double.parseDouble(peer.get("sklearn_test_nll"));
        long iterations = result.trials().stream().flatMap(t -> t.folds().stream()).mapToLong(f -> f.epochs()).sum();
        Map<String, String> s = new LinkedHashMap<>();
        s.put("benchmark", "tune-linear");
        s.put("rows_trainval", Integer.toString(n));
        s.put("test_rows", Integer.toString(test.rows()));
        s.put("threads", Integer.toString(threads));
        s.put("regula_l2", String.format(Locale.ROOT, "%.6g", l2));
        s.put("regula_C_equiv", String.format(Locale.ROOT, "%.6g", 1 / (l2 * n)));
        s.put("sklearn_C", peer.get("sklearn_C"));
        s.put("regula_cv_nll", String.format(Locale.ROOT, "%.6f", result.selection().winner().meanValNll()));
        s.put("regula_test_nll", String.format(Locale.ROOT, "%.6f", m.loss()));
        s.put("sklearn_test_nll", peer.get("sklearn_test_nll"));
        s.put("regula_test_acc", String.format(Locale.ROOT, "%.4f", m.accuracy()));
        s.put("sklearn_test_acc", peer.get("sklearn_test_acc"));
        s.put("regula_solver_iterations", Long.toString(iterations));
        s.put("regula_seconds", String.format(Locale.ROOT, "%.3f", regulaMedian));
        s.put("sklearn_seconds", String.format(Locale.ROOT, "%.3f", peerMedian));
        s.put("nll_ratio", String.format(Locale.ROOT, "%.4f", m.loss() / peerNll));
        s.put("ratio", String.format(Locale.ROOT, "%.3f", regulaMedian / peerMedian));
        StringBuilder line = new StringBuilder();
        s.forEach((k, v) -> line.append(line.length() == 0 ? "" : " ").append(k).append('=').append(v));
        System.out.println(line);
    }

    private static void writeFolds(Folds folds, Path file) throws Exception {
        int[] fold = new int[folds.trainVal().rows()];
        for (int f = 0; f < folds.size(); f++) {
            for (int i : folds.heldOut().get(f)) {
                fold[i] = f;
            }
        }
        ByteBuffer b = ByteBuffer.allocate(fold.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : fold) {
            b.putInt(v);
        }
        Files.createDirectories(file.getParent());
        Files.write(file, b.array());
    }

    private static Map<String, String> runPeer(String python, Path store, Path folds, int dim, int threads) throws Exception {
        List<String> cmd = List.of(python, "-s", "benchmarks/tune_linear_sklearn.py", "--store", store.toString(), "--folds",
                folds.toString(), "--dim", Integer.toString(dim), "--threads", Integer.toString(threads));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String last = null;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (!line.startsWith("sklearn_C=")) {
                    System.out.println("  sklearn: " + line);
                }
                last = line;
            }
        }
        int rc = p.waitFor();
        if (rc != 0 || last == null || !last.startsWith("sklearn_C=")) {
            throw new IllegalStateException("the sklearn peer exited with " + rc + " without a result line: " + last);
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String kv : last.split(" ")) {
            int eq = kv.indexOf('=');
            out.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        return out;
    }

    private static double median(List<Double> v) {
        List<Double> s = v.stream().sorted().toList();
        return s.get(s.size() / 2);
    }
}
