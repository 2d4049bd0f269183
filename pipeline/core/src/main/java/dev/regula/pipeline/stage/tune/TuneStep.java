package dev.regula.pipeline.stage.tune;

import com.fasterxml.jackson.databind.JsonNode;
import dev.regula.pipeline.OptionName;
import dev.regula.pipeline.Problem;
import dev.regula.pipeline.RegulaException;
import dev.regula.pipeline.run.Determinism;
import dev.regula.pipeline.run.Json;
import dev.regula.pipeline.run.OutputFolder;
import dev.regula.pipeline.spec.Sections;
import dev.regula.pipeline.stage.features.FeatureInputs;
import dev.regula.transfer.features.FeatureStore;
import dev.regula.transfer.tune.TrialRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The tune stage as a callable unit: every head with a range (or {@code regularization: auto}) searched
 * on the train and val splits of a feature store ({@link dev.regula.transfer.tune.Tuner}), written as
 *
 * <pre>
 * tune.json                     per head: strategy, rule, winner, its CV figures, refit, verdicts
 * &lt;head&gt;/trials.jsonl           one line per trial (its final record), ordered by trial id
 * &lt;head&gt;/selection.json         the rule's choice, the minimum, the one-SE threshold, the verdicts
 * &lt;head&gt;/oof/&lt;trial&gt;.f32        out-of-fold probabilities of every completed trial (train rows, then val rows)
 * &lt;head&gt;/head.json, history.json the model the train stage takes: the winner refit on train+val
 *                               ({@code refit}), else the winner trained on train with early stopping on val
 * </pre>
 *
 * The test split is never opened. The pipeline's tune stage and {@code regula tune} (explicit folders,
 * {@link #run}) both write through {@link #tuneInto}.
 *
 * <p><b>Resume.</b> Finished trials are appended to a log outside the staging folder,
 * {@code <partial>/<head>-<key>/trials.jsonl} (with their out-of-fold files), where {@code <partial>} is
 * {@code <work>/.tune-partial} in a pipeline and {@code <out>/../.<out-name>.tune-partial} for
 * {@code regula tune}; {@code <key>} hashes everything a trial's result depends on (the head, its base
 * settings and space, the tune settings but threads, the seed, the train and val features). A killed run
 * leaves that log behind, and the next run with the same key trains only the trials it lacks. The log is
 * deleted once the output is committed.
 */
public final class TuneStep {
    /** Per head: strategy, rule, winner, its CV figures, refit and verdicts. */
    public static final String SUMMARY = "tune.json";
    /** One line per trial: {@code <head>/trials.jsonl}. */
    public static final String TRIALS = "trials.jsonl";
    /** The selection and verdicts: {@code <head>/selection.json}. */
    public static final String SELECTION = "selection.json";
    /** Out-of-fold probabilities of completed trials: {@code <head>/oof/<trial id>.f32}. */
    public static final String OOF = "oof";
    /** The model the train stage takes, in the train stage's format: {@code <head>/head.json}. */
    public static final String HEAD = "head.json";
    /** Its training history: {@code <head>/history.json}. */
    public static final String HISTORY = "history.json";
    /** The resumable trial logs' folder beside a pipeline's stage folders. */
    public static final String PARTIAL = ".tune-partial";

    private TuneStep() {
    }

    /**
     * Heads to tune on a feature folder.
     *
     * @param features the output folder of {@code regula features} (or a pipeline's work/features)
     * @param heads the heads; each is searched over its ranges, {@code auto}'s default space, or, when it
     *     has neither, the default space of its kind with its own values as a baseline trial the verdicts judge
     * @param tune the search settings
     * @param seed seeds folds and random draws
     * @param out the output folder: new, empty, or an earlier {@code regula tune} output (replaced as a whole)
     */
    public record Request(Path features, List<Sections.Head> heads, Sections.Tune tune, long seed, Path out,
                          Consumer<String> log) {
        public Request {
            Objects.requireNonNull(features, "features");
            Objects.requireNonNull(tune, "tune");
            Objects.requireNonNull(out, "out");
            heads = List.copyOf(heads);
            log = log == null ? line -> { } : log;
        }
    }

    /**
     * What was written.
     *
     * @param heads per head, its entry of {@code tune.json}
     * @param epochs per head, epochs trained by this run (resumed trials excluded; solver iterations for a path)
     */
    public record Result(Path out, Map<String, JsonNode> heads, Map<String, Long> epochs) {
    }

    /** Tunes every head and writes {@code out} atomically (staging folder, then one move). */
    public static Result run(Request r) throws RegulaException {
        Determinism.configure();
        FeatureInputs in = FeatureInputs.open(r.features(), Problem.about(OptionName.FEATURES));
        if (r.heads().isEmpty()) {
            throw new RegulaException("no heads to tune");
        }
        List<Sections.Head> heads = new ArrayList<>();
        for (Sections.Head h : r.heads()) {
            heads.add(h.tuned() ? h : TuneHeads.judged(h));
        }
        dev.regula.pipeline.spec.SpecReader.checkTune(Path.of("tune settings"), heads, r.tune());
        Path out = r.out().toAbsolutePath().normalize();
        Path partial = out.resolveSibling("." + out.getFileName() + ".tune-partial");
        Result result = OutputFolder.write(out, OptionName.OUT, SUMMARY, staging -> {
            Map<String, Object> timings = tuneInto(in.store(), heads, r.tune(), r.seed(), staging, partial, r.log(), null);
            @SuppressWarnings("unchecked")
            Map<String, Long> epochs = (Map<String, Long>) timings.get("epochs_trained");
            return new Result(out, summary(staging), epochs);
        });
        clearPartial(partial);
        return result;
    }

    /**
     * Tunes the {@link Sections.Head#tuned} heads of {@code heads} on {@code store}'s train and val splits
     * into {@code staging}, resuming from the logs under {@code partial}.
     *
     * @param trials where the stacked trials train (the Spark adapter's runner), or null for this JVM
     * @return timings for the manifest: {@code tune_seconds} and {@code epochs_trained} per head
     */
    static Map<String, Object> tuneInto(FeatureStore store, List<Sections.Head> heads, Sections.Tune tune, long seed,
            Path staging, Path partial, Consumer<String> log, TrialRunner trials) throws RegulaException {
        return new TuneHeads(store, tune, seed, staging, partial, log, trials).run(heads);
    }

    /** Deletes the resumable logs once the output they fed is committed. */
    static void clearPartial(Path partial) throws RegulaException {
        try {
            dev.regula.models.Folders.deleteTree(partial);
        } catch (IOException e) {
            throw new RegulaException("tune: cannot remove the trial logs " + partial + ": " + e.getMessage(), e);
        }
    }

    /** {@code tune.json} of a tune output, per head in tuning order. */
    public static Map<String, JsonNode> summary(Path dir) throws RegulaException {
        Path f = dir.resolve(SUMMARY);
        try {
            JsonNode n = Json.MAPPER.readTree(f.toFile());
            Map<String, JsonNode> out = new LinkedHashMap<>();
            n.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue()));
            return out;
        } catch (IOException e) {
            throw new RegulaException("cannot read " + f + ": " + e.getMessage(), e);
        }
    }

    /** Whether {@code dir} holds a tune output. */
    public static boolean isTuneOutput(Path dir) {
        return Files.isRegularFile(dir.resolve(SUMMARY));
    }
}
