package dev.regula.pipeline.stage.tune;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.regula.models.Folders;
import dev.regula.pipeline.Problem;
import dev.regula.pipeline.RegulaException;
import dev.regula.pipeline.run.Json;
import dev.regula.pipeline.spec.Sections;
import dev.regula.pipeline.stage.train.HeadFile;
import dev.regula.transfer.features.FeatureMatrix;
import dev.regula.transfer.features.FeatureStore;
import dev.regula.transfer.features.StoreManifest;
import dev.regula.transfer.train.TrainedHead;
import dev.regula.transfer.tune.JsonlTrialLog;
import dev.regula.transfer.tune.OutOfFold;
import dev.regula.transfer.tune.SearchSpace;
import dev.regula.transfer.tune.TrialResult;
import dev.regula.transfer.tune.TrialRunner;
import dev.regula.transfer.tune.TuneRequest;
import dev.regula.transfer.tune.TuneResult;
import dev.regula.transfer.tune.TuneSpec;
import dev.regula.transfer.tune.Tuner;
import dev.regula.transfer.tune.Verdict;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;

/** {@link TuneStep#tuneInto}: one search per tuned head, its files written, its trial log kept for resume. */
final class TuneHeads {
    private final FeatureStore store;
    private final Sections.Tune tune;
    private final long seed;
    private final Path staging;
    private final Path partial;
    private final Consumer<String> log;
    private final TrialRunner trials;

    TuneHeads(FeatureStore store, Sections.Tune tune, long seed, Path staging, Path partial, Consumer<String> log,
            TrialRunner trials) {
        this.store = store;
        this.tune = tune;
        this.seed = seed;
        this.staging = staging;
        this.partial = partial;
        this.log = log;
        this.trials = trials;
    }

    /**
     * A head with neither ranges nor auto, as {@code regula tune} searches it: the default space of its
     * kind around its own settings, which run as a baseline trial, so the verdicts judge what was written.
     */
    static Sections.Head judged(Sections.Head h) {
        return new Sections.Head(h.name(), h.head(), h.regularization(), h.training(),
                new Sections.Search(SearchSpace.defaultFor(h.head()), true, true));
    }

    Map<String, Object> run(List<Sections.Head> heads) throws RegulaException {
        FeatureMatrix train = split("train");
        FeatureMatrix val = store.splitNames().contains("val") ? store.split("val") : null;
        if (val == null || (tune.folds() == 0 && val.rows() == 0)) {
            throw new RegulaException(Problem.atKey("tune", "the feature store " + store.dir() + " has no val rows"
                    + (tune.folds() == 0 ? "; tune.folds 0 validates on them" : "; give split.val a fraction > 0"))
                    .withExpected("val rows", "0"));
        }
        int classes = store.labels().size();
        Map<String, Double> seconds = new TreeMap<>();
        Map<String, Long> epochs = new TreeMap<>();
        ObjectNode summary = Json.MAPPER.createObjectNode();
        for (Sections.Head h : heads) {
            if (!h.tuned()) {
                continue;
            }
            long t0 = System.nanoTime();
            TuneSpec ts = tune.specFor(h, seed);
            Path logDir = partial.resolve(h.name()).resolve(key(h, ts));
            TuneResult res;
            try {
                clearOtherKeys(logDir);
                TuneRequest req = new TuneRequest(train, val, null, classes, h.head(), h.regularization(), h.training(),
                        h.search().space(), ts, h.search().baseline(), null);
                res = Tuner.tune(req, new JsonlTrialLog(logDir.resolve(TuneStep.TRIALS), logDir.resolve(TuneStep.OOF), classes), trials);
            } catch (IllegalArgumentException | IllegalStateException e) {
                throw new RegulaException(Problem.atKey("tune", "head '" + h.name() + "': " + e.getMessage()), e);
            } catch (IOException e) {
                throw new RegulaException("tune: head '" + h.name() + "': trial log " + logDir + ": " + e.getMessage(), e);
            }
            TrialResult winner = res.selection().winner();
            TrainedHead model = res.refit() != null
                    ? TrialFits.withCrossValidated(res.refit(), winner, res.folds().trainVal().labels())
                    : TrialFits.fit(h, ts.strategy(), res.trials(), winner, train, val, classes, false);
            summary.set(h.name(), write(h, ts, res, logDir, model));
            seconds.put(h.name(), (System.nanoTime() - t0) / 1e9);
            epochs.put(h.name(), res.epochsTrained());
            log.accept(line(h, ts, res));
            for (Verdict v : res.selection().verdicts()) {
                log.accept("tune:   " + v.advice());
            }
        }
        try {
            Json.write(staging.resolve(TuneStep.SUMMARY), summary);
        } catch (IOException e) {
            throw new RegulaException("tune: cannot write " + staging + ": " + e.getMessage(), e);
        }
        Map<String, Object> timings = new TreeMap<>();
        timings.put("tune_seconds", seconds);
        timings.put("epochs_trained", epochs);
        return timings;
    }

    private FeatureMatrix split(String name) throws RegulaException {
        if (!store.splitNames().contains(name) || store.split(name).rows() == 0) {
            throw new RegulaException(Problem.atKey("tune", "the feature store " + store.dir() + " has no " + name + " rows")
                    .withExpected(name + " rows", "0"));
        }
        return store.split(name);
    }

    /** Writes a head's folder; returns its entry of tune.json. */
    private JsonNode write(Sections.Head h, TuneSpec ts, TuneResult res, Path logDir, TrainedHead model)
            throws RegulaException {
        Path dir = staging.resolve(h.name());
        try {
            Files.createDirectories(dir.resolve(TuneStep.OOF));
            // the log's final form: one line per trial, ordered by id (JsonlTrialLog.finish)
            Files.copy(logDir.resolve(TuneStep.TRIALS), dir.resolve(TuneStep.TRIALS));
            int classes = store.labels().size();
            for (TrialResult r : res.trials()) {
                if (r.status() == TrialResult.Status.COMPLETED && r.oof() != null) {
                    OutOfFold.write(dir.resolve(TuneStep.OOF).resolve(r.id() + ".f32"), r.oof(), classes);
                }
            }
            String selection = res.selection().toJson();
            Files.writeString(dir.resolve(TuneStep.SELECTION), selection);
            HeadFile.save(model, dir.resolve(TuneStep.HEAD));
            Json.write(dir.resolve(TuneStep.HISTORY), model.history());
            ObjectNode e = Json.MAPPER.createObjectNode();
            e.put("kind", h.head().kind().yamlName());
            e.put("space", h.search().auto() ? "auto" : "ranges");
            e.put("strategy", ts.strategy().yamlName());
            e.put("folds", ts.folds());
            e.put("trials", res.trials().size());
            e.put("completed", res.trials().stream().filter(r -> r.status() == TrialResult.Status.COMPLETED).count());
            e.put("model", ts.refit() ? "refit on train+val" : "winner trained on train, early stopping on val");
            e.setAll((ObjectNode) Json.MAPPER.readTree(selection));
            return e;
        } catch (IOException e) {
            throw new RegulaException("tune: cannot write " + dir + ": " + e.getMessage(), e);
        }
    }

    private static String line(Sections.Head h, TuneSpec ts, TuneResult res) {
        TrialResult w = res.selection().winner();
        return String.format(Locale.ROOT, "tune: %s: %s, %d trials x %d fold(s); %s winner %s %s, CV NLL %.4f ± %.4f%s",
                h.name(), ts.strategy().yamlName(), res.trials().size(), res.folds().size(), ts.rule().yamlName(), w.id(),
                params(w), w.meanValNll(), w.standardError(), ts.refit() ? ", refit on train+val" : "");
    }

    static String params(TrialResult t) {
        StringBuilder s = new StringBuilder("{");
        t.config().params().forEach((k, v) -> s.append(s.length() > 1 ? ", " : "").append(k.path()).append('=')
                .append(v == null ? "unset" : String.format(Locale.ROOT, "%.4g", v)));
        return s.append('}').toString();
    }

    /**
     * What a head's trials depend on, hashed: a trial log written under another key (other settings,
     * other features) is never resumed from. The test split is not part of it, as no trial reads it.
     */
    private String key(Sections.Head h, TuneSpec ts) {
        Map<String, Object> k = new LinkedHashMap<>();
        k.put("head", h.head());
        k.put("regularization", h.regularization());
        k.put("training", h.training());
        k.put("space", h.search().space().dims().stream().map(d -> d.knob().path() + "=" + d.range()).toList());
        k.put("baseline", h.search().baseline());
        k.put("tune", List.of(ts.strategy().yamlName(), ts.trials(), ts.folds(), ts.rule().yamlName(), ts.refit(),
                ts.eta(), String.valueOf(ts.minEpochs()), ts.gridPoints(), ts.seed()));
        Map<String, String> data = new TreeMap<>();
        for (Map.Entry<String, StoreManifest.SplitEntry> e : store.manifest().splits().entrySet()) {
            if (e.getKey().equals("train") || e.getKey().equals("val")) {
                data.put(e.getKey(), e.getValue().features().sha256() + "/" + e.getValue().labels().sha256());
            }
        }
        k.put("data", data);
        return Json.hash(k).substring(0, 16);
    }

    /** A head's logs written under other keys are stale: they can never be resumed from. */
    private static void clearOtherKeys(Path logDir) throws IOException {
        Path parent = logDir.getParent();
        if (!Files.isDirectory(parent)) {
            return;
        }
        try (Stream<Path> s = Files.list(parent)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (!p.equals(logDir)) {
                    Folders.deleteTree(p);
                }
            }
        }
    }
}
