package dev.regula.pipeline.stage.train;

import dev.regula.pipeline.OptionName;
import dev.regula.pipeline.Problem;
import dev.regula.pipeline.RegulaException;
import dev.regula.pipeline.run.Determinism;
import dev.regula.pipeline.run.Json;
import dev.regula.pipeline.run.OutputFolder;
import dev.regula.pipeline.spec.Sections;
import dev.regula.pipeline.stage.features.FeatureInputs;
import dev.regula.transfer.features.FeatureMatrix;
import dev.regula.transfer.features.FeatureStore;
import dev.regula.transfer.train.EpochRecord;
import dev.regula.transfer.train.HeadTrainer;
import dev.regula.transfer.train.TrainedHead;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The train stage as a callable unit: heads trained on a feature store, written as
 * {@code <name>/head.json}, {@code <name>/history.json} and {@code heads.json}. The pipeline's train
 * stage and {@code regula train} (explicit folders, {@link #run}) both write through it.
 */
public final class TrainStep {
    /** A head's weights and specs, reloadable: {@code <name>/head.json}. */
    public static final String HEAD = "head.json";
    /** A head's training history: {@code <name>/history.json}. */
    public static final String HISTORY = "history.json";
    /** One line of figures per head. */
    public static final String SUMMARY = "heads.json";

    private TrainStep() {
    }

    /**
     * Heads to train on a feature folder.
     *
     * @param features the output folder of {@code regula features} (or a pipeline's work/features, or a store folder)
     * @param heads the heads, e.g. from {@link dev.regula.pipeline.spec.SpecReader#readHeads}
     * @param out the output folder: new, empty, or an earlier {@code regula train} output (replaced as a whole)
     * @param log progress lines
     */
    public record Request(Path features, List<Sections.Head> heads, Path out, Consumer<String> log) {
        public Request {
            Objects.requireNonNull(features, "features");
            Objects.requireNonNull(out, "out");
            heads = List.copyOf(heads);
            log = log == null ? line -> { } : log;
        }
    }

    /**
     * What was written.
     *
     * @param heads per head (in training order): best epoch, train/val loss and accuracy at it, sparsity
     * @param seconds training seconds per head
     */
    public record Result(Path out, Map<String, Map<String, Object>> heads, Map<String, Double> seconds) {
    }

    /** Trains every head and writes {@code out} atomically (staging folder, then one move). */
    public static Result run(Request r) throws RegulaException {
        Determinism.configure();
        FeatureInputs in = FeatureInputs.open(r.features(), Problem.about(OptionName.FEATURES));
        if (r.heads().isEmpty()) {
            throw new RegulaException("no heads to train");
        }
        Path out = r.out().toAbsolutePath().normalize();
        return OutputFolder.write(out, OptionName.OUT, SUMMARY, staging -> {
            @SuppressWarnings("unchecked")
            Map<String, Double> seconds = (Map<String, Double>) trainInto(in.store(), r.heads(), null, staging, r.log())
                    .get("train_seconds");
            Map<String, Map<String, Object>> summary = Json.MAPPER.readValue(staging.resolve(SUMMARY).toFile(),
                    new com.fasterxml.jackson.core.type.TypeReference<LinkedHashMap<String, Map<String, Object>>>() { });
            return new Result(out, summary, seconds);
        });
    }

    /**
     * Trains {@code heads} on {@code store}'s train split (early stopping on val when non-empty) into
     * {@code staging}. A tuned head (one with ranges or {@code auto}) is not trained here: its model is
     * the one the tune stage chose, {@code <tuned>/<name>/head.json} and {@code history.json}, copied as is.
     *
     * @param tuned the tune stage's folder, or null when no head is tuned
     */
    static Map<String, Object> trainInto(FeatureStore store, List<Sections.Head> heads, Path tuned, Path staging,
            Consumer<String> log) throws RegulaException {
        if (!store.splitNames().contains("train") || store.split("train").rows() == 0) {
            throw new RegulaException("train: the feature store " + store.dir() + " has no train rows");
        }
        FeatureMatrix train = store.split("train");
        FeatureMatrix val = store.splitNames().contains("val") && store.split("val").rows() > 0 ? store.split("val") : null;
        int classes = store.labels().size();
        Map<String, Object> summary = new TreeMap<>();
        Map<String, Double> seconds = new TreeMap<>();
        for (Sections.Head h : heads) {
            long t0 = System.nanoTime();
            Path dir = staging.resolve(h.name());
            TrainedHead head;
            if (h.tuned()) {
                head = copyTuned(h.name(), tuned, dir);
            } else {
                try {
                    head = HeadTrainer.train(train, val, classes, h.head(), h.regularization(), h.training());
                } catch (IllegalArgumentException e) {
                    throw new RegulaException("heads '" + h.name() + "': " + e.getMessage(), e);
                }
                try {
                    Files.createDirectories(dir);
                    HeadFile.save(head, dir.resolve(HEAD));
                    Json.write(dir.resolve(HISTORY), head.history());
                } catch (IOException e) {
                    throw new RegulaException("train: cannot write " + dir + ": " + e.getMessage(), e);
                }
            }
            seconds.put(h.name(), (System.nanoTime() - t0) / 1e9);
            EpochRecord best = head.history().best();
            summary.put(h.name(), summaryLine(head));
            log.accept("train: " + h.name() + " best epoch " + head.history().bestEpoch() + ", val NLL "
                    + (best.valLoss() == null ? "n/a" : String.format(Locale.ROOT, "%.4f", best.valLoss())));
        }
        try {
            Json.write(staging.resolve(SUMMARY), summary);
        } catch (IOException e) {
            throw new RegulaException("train: cannot write " + staging + ": " + e.getMessage(), e);
        }
        return Map.of("train_seconds", seconds);
    }

    /** A head's line in {@value #SUMMARY}: best epoch, train/val loss and accuracy at it, sparsity. */
    static Map<String, Object> summaryLine(TrainedHead head) {
        EpochRecord best = head.history().best();
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("best_epoch", head.history().bestEpoch());
        line.put("train_accuracy", best.trainAccuracy());
        line.put("train_loss", best.trainLoss());
        line.put("val_accuracy", best.valAccuracy());
        line.put("val_loss", best.valLoss());
        line.put("sparsity", head.sparsity());
        return line;
    }

    /** A tuned head's model, copied byte for byte from the tune stage's folder into {@code dir}. */
    private static TrainedHead copyTuned(String name, Path tuned, Path dir) throws RegulaException {
        if (tuned == null) {
            throw new RegulaException("heads '" + name + "': has ranges or regularization: auto, so it is searched, not "
                    + "trained as written; run `regula tune` (or the pipeline, whose tune stage searches it)");
        }
        Path from = tuned.resolve(name);
        TrainedHead head = loadHead(from.resolve(HEAD), Problem.atKey("tune"));
        try {
            Files.createDirectories(dir);
            Files.copy(from.resolve(HEAD), dir.resolve(HEAD));
            Files.copy(from.resolve(HISTORY), dir.resolve(HISTORY));
        } catch (IOException e) {
            throw new RegulaException("train: cannot copy the tuned head " + from + ": " + e.getMessage(), e);
        }
        return head;
    }

    /**
     * Reloads the heads a train output holds ({@code <name>/head.json}), by name in {@code order}
     * when given, else sorted by name; an error names {@code subject}, the option or key that gave {@code dir}.
     */
    public static Map<String, TrainedHead> loadHeads(Path dir, Problem subject, List<String> order) throws RegulaException {
        Path d = dir.toAbsolutePath().normalize();
        if (!Files.isDirectory(d)) {
            throw new RegulaException(subject.says((Files.exists(d) ? d + " is not a folder" : "folder not found: " + d)
                    + "; expected the output folder of `regula train` or a pipeline's work/train"));
        }
        List<String> names = order;
        if (names == null) {
            try (Stream<Path> s = Files.list(d)) {
                names = s.filter(p -> Files.isRegularFile(p.resolve(HEAD))).map(p -> p.getFileName().toString())
                        .sorted().toList();
            } catch (IOException e) {
                throw new RegulaException(subject.says("cannot list " + d + ": " + e.getMessage()), e);
            }
        }
        if (names.isEmpty()) {
            throw new RegulaException(subject.says(d + " holds no <name>/" + HEAD
                    + "; expected the output folder of `regula train` or a pipeline's work/train"));
        }
        Map<String, TrainedHead> out = new LinkedHashMap<>();
        for (String n : names) {
            out.put(n, loadHead(d.resolve(n).resolve(HEAD), subject));
        }
        return out;
    }

    /** Reloads one head file; an error names {@code subject}, the option or key that gave it. */
    public static TrainedHead loadHead(Path file, Problem subject) throws RegulaException {
        if (!Files.isRegularFile(file)) {
            throw new RegulaException(subject.says("head file not found: " + file));
        }
        try {
            return HeadFile.load(file);
        } catch (IOException | IllegalArgumentException e) {
            throw new RegulaException(subject.says(file + " is not a head file written by `regula train`: "
                    + e.getMessage().lines().findFirst().orElse("")), e);
        }
    }

    /** Fails unless {@code head} takes the store's features and predicts its classes. */
    public static void checkFits(String name, TrainedHead head, FeatureInputs in, Problem subject) throws RegulaException {
        int dim = head.layers().get(0).in();
        if (dim != in.dim()) {
            throw new RegulaException(subject.says("head '" + name + "' takes " + dim + " features, but the feature store "
                    + in.store().dir() + " holds " + in.dim() + "; were they made from different backbones?"));
        }
        if (head.classes() != in.store().labels().size()) {
            throw new RegulaException(subject.says("head '" + name + "' predicts " + head.classes() + " classes, but the feature "
                    + "store " + in.store().dir() + " has " + in.store().labels().size() + " labels " + in.store().labels()));
        }
    }

    /** Head names by validation NLL, best first (train NLL when there is no validation split); ties keep spec order. */
    public static List<String> rankByValNll(Map<String, TrainedHead> heads) {
        List<String> names = new ArrayList<>(heads.keySet());
        names.sort(java.util.Comparator.comparingDouble(n -> {
            EpochRecord b = heads.get(n).history().best();
            return b.valLoss() != null ? b.valLoss() : b.trainLoss();
        }));
        return names;
    }
}
