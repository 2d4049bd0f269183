package dev.regula.pipeline.stage.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.regula.pipeline.Problem;
import dev.regula.pipeline.RegulaException;
import dev.regula.pipeline.run.Json;
import dev.regula.transfer.tune.Knob;
import dev.regula.transfer.tune.Selection;
import dev.regula.transfer.tune.TrialResult;
import dev.regula.transfer.tune.TuneJson;
import dev.regula.transfer.tune.TuneSpec;
import dev.regula.transfer.tune.Verdict;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Reads a tune stage folder back into the tune library's records, for the report.
 *
 * <p>Two layouts are accepted, so the report does not hang on how many heads were tuned: the folder
 * itself holds {@value #TRIALS} and {@value #SELECTION} (one tuned head, named by selection.json's
 * {@code head} key when present, else by the folder), or each sub-folder does (one per tuned head,
 * named by the sub-folder, in name order). Sub-folders without both files (e.g. out-of-fold
 * probabilities) are not heads and are skipped.
 */
final class TuneFolder {
    static final String TRIALS = "trials.jsonl";
    static final String SELECTION = "selection.json";

    /** One tuned head: its trials' final records (baseline included) and the choice among them. */
    record TunedHead(String head, List<TrialResult> trials, Selection selection) {
        TunedHead {
            trials = List.copyOf(trials);
        }
    }

    private TuneFolder() {
    }

    /** The tuned heads under {@code dir}; fails naming the file and line of any unreadable record. */
    static List<TunedHead> read(Path dir) throws RegulaException {
        Path d = dir.toAbsolutePath().normalize();
        if (!Files.isDirectory(d)) {
            throw new RegulaException(Problem.atKey("tune", "folder not found: " + d + "; expected a pipeline's work/tune or "
                    + "the output folder of `regula tune`").withExpected("a pipeline's work/tune or the output folder of `regula tune`",
                    d.toString()));
        }
        if (isHead(d)) {
            return List.of(readHead(d, null));
        }
        List<TunedHead> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(d)) {
            for (Path sub : s.filter(TuneFolder::isHead).sorted().toList()) {
                out.add(readHead(sub, sub.getFileName().toString()));
            }
        } catch (IOException e) {
            throw new RegulaException("tune: cannot list " + d + ": " + e.getMessage(), e);
        }
        if (out.isEmpty()) {
            throw new RegulaException(Problem.atKey("tune", d + " holds no " + TRIALS + " with a " + SELECTION + ", neither "
                    + "itself nor in a sub-folder per head").withExpected(TRIALS + " and " + SELECTION, d.toString()));
        }
        return out;
    }

    private static boolean isHead(Path d) {
        return Files.isRegularFile(d.resolve(TRIALS)) && Files.isRegularFile(d.resolve(SELECTION));
    }

    private static TunedHead readHead(Path d, String name) throws RegulaException {
        List<TrialResult> trials = trials(d.resolve(TRIALS));
        Path f = d.resolve(SELECTION);
        JsonNode s;
        try {
            s = Json.MAPPER.readTree(f.toFile());
        } catch (IOException e) {
            throw new RegulaException(Problem.atKey("tune", "not JSON: " + e.getMessage()).withFile(f, 0).withExpected("JSON", null), e);
        }
        String head = name != null ? name : s.path("head").asText(d.getFileName().toString());
        try {
            return new TunedHead(head, trials, selection(s, trials));
        } catch (IllegalArgumentException e) {
            throw new RegulaException(Problem.atKey("tune", String.valueOf(e.getMessage())).withFile(f, 0), e);
        }
    }

    private static List<TrialResult> trials(Path f) throws RegulaException {
        List<String> lines;
        try {
            lines = Files.readAllLines(f, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new RegulaException("tune: cannot read " + f + ": " + e.getMessage(), e);
        }
        List<TrialResult> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            try {
                out.add(TuneJson.parseTrial(lines.get(i)));
            } catch (RuntimeException e) {
                // a committed stage folder is rewritten whole at the end: a bad line here is corruption, not a torn write
                throw new RegulaException(Problem.atKey("tune", String.valueOf(e.getMessage())).withFile(f, i + 1)
                        .withExpected("a trial record (JSON)", null), e);
            }
        }
        if (out.isEmpty()) {
            throw new RegulaException(Problem.atKey("tune", "holds no trial").withFile(f, 0).withExpected("at least one trial", "none"));
        }
        return out;
    }

    /**
     * Rebuilds the library's {@link Selection} from its JSON form: the winner and the minimum are looked up
     * among the trials by id; the eligible trials are those that ran the full budget, as the tuner defines them.
     */
    static Selection selection(JsonNode s, List<TrialResult> trials) {
        TuneSpec.Rule rule = TuneSpec.Rule.of(text(s, "rule"));
        TrialResult winner = byId(trials, text(s, "winner"), "winner");
        TrialResult min = byId(trials, text(s, "min_trial"), "min_trial");
        List<String> eligible = trials.stream().filter(t -> t.status() == TrialResult.Status.COMPLETED)
                .map(TrialResult::id).sorted().toList();
        List<Verdict> verdicts = new ArrayList<>();
        for (JsonNode v : s.path("verdicts")) {
            verdicts.add(new Verdict(Knob.of(text(v, "knob")),
                    Verdict.Kind.valueOf(text(v, "verdict").toUpperCase(Locale.ROOT)), text(v, "reference"),
                    boxed(v, "reference_value"), dbl(v, "reference_mean_val_nll"), dbl(v, "reference_se"),
                    dbl(v, "best_stronger_mean_val_nll"), boxed(v, "best_stronger_value"),
                    dbl(v, "best_weaker_mean_val_nll"), boxed(v, "best_weaker_value"),
                    Verdict.Edge.valueOf(text(v, "edge").toUpperCase(Locale.ROOT)), dbl(v, "reference_gap"),
                    dbl(v, "selected_gap"), v.path("advice").asText("")));
        }
        JsonNode refit = s.path("refit_epochs");
        return new Selection(rule, winner, min, dbl(s, "threshold"), eligible, verdicts,
                refit.isNumber() ? refit.asInt() : null);
    }

    private static TrialResult byId(List<TrialResult> trials, String id, String key) {
        return trials.stream().filter(t -> t.id().equals(id)).findFirst().orElseThrow(() -> new IllegalArgumentException(
                key + " '" + id + "' is not among the trials of " + TRIALS + " (" + trials.size() + " trials)"));
    }

    private static String text(JsonNode n, String key) {
        JsonNode v = n.get(key);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException("expected a string at key '" + key + "', found " + (v == null ? "nothing" : v));
        }
        return v.asText();
    }

    private static double dbl(JsonNode n, String key) {
        JsonNode v = n.get(key);
        return v == null || !v.isNumber() ? Double.NaN : v.asDouble();
    }

    private static Double boxed(JsonNode n, String key) {
        double v = dbl(n, key);
        return Double.isNaN(v) ? null : v;
    }
}
