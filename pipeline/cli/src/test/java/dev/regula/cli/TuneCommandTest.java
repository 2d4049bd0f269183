package dev.regula.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.regula.pipeline.run.TinyInputs;
import dev.regula.transfer.features.FeatureMatrix;
import dev.regula.transfer.features.FeatureStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code regula tune} on explicit folders (tiny generated backbone and data): the files it writes, what it
 * prints per head, the same bytes on a rerun and on features whose test rows were poisoned, and the bad
 * inputs it refuses.
 */
class TuneCommandTest {
    @TempDir
    static Path dir;
    static Path features;
    static CliRun first;
    static final ObjectMapper JSON = new ObjectMapper();

    private static String p(String name) {
        return dir.resolve(name).toString();
    }

    @BeforeAll
    static void featuresThenTune() throws Exception {
        TinyInputs.write(dir, 21);
        CliRun f = CliRun.run("features", "--backbone", p("backbone.onnx"), "--tokenizer", p("tokenizer.json"), "--max-length",
                "16", "--data", p("data.jsonl"), "--split", "0.6,0.2,0.2", "--threads", "1", "--out", p("features"));
        assertThat(f.code()).as(f.err()).isZero();
        features = dir.resolve("features");
        Files.writeString(dir.resolve("heads.yaml"), """
                seed: 3
                heads:
                  - name: mlp
                    kind: mlp
                    hidden_sizes: [8]
                    regularization: {weight_decay: [0.0, 0.01, 0.1]}
                    training: {learning_rate: 0.02, epochs: 6, batch_size: 16}
                  - {name: linear, kind: linear, regularization: {l2: {path: 5}}}
                tune: {folds: 3, threads: 2}
                """);
        first = CliRun.run("tune", "--features", features.toString(), "--heads", p("heads.yaml"), "--out", p("tuned"));
        assertThat(first.code()).as(first.err()).isZero();
    }

    @Test
    void writesTheStagesFilesAndPrintsWinnerRuleAndVerdictsPerHead() throws Exception {
        for (String head : List.of("mlp", "linear")) {
            for (String f : List.of("trials.jsonl", "selection.json", "head.json", "history.json")) {
                assertThat(dir.resolve("tuned").resolve(head).resolve(f)).isRegularFile();
            }
        }
        assertThat(dir.resolve("tuned/tune.json")).isRegularFile();
        assertThat(first.out()).contains("tune: " + p("tuned"), "  mlp: grid, 3 trials, 3 folds; one_se winner t-",
                "  linear: path, 5 trials, 3 folds; one_se winner t-", "refit on train+val", "weight_decay", "l2");
        assertThat(first.out()).containsPattern("weight_decay +(under-regularized|over-regularized|about right)");
        assertThat(first.out()).contains("gap ");
        try (Stream<Path> s = Files.list(dir)) {
            assertThat(s.map(x -> x.getFileName().toString())).noneMatch(n -> n.contains("staging") || n.contains("partial"));
        }
        // the tuned head exports like a trained one
        CliRun e = CliRun.run("export", "--features", features.toString(), "--head", p("tuned"), "--name", "mlp", "--out",
                p("exported"));
        assertThat(e.code()).as(e.err() + e.out()).isZero();
    }

    @Test
    void sameSeedGivesTheSameBytesAndJsonOutput() throws Exception {
        CliRun again = CliRun.run("tune", "--features", features.toString(), "--heads", p("heads.yaml"), "--out", p("tuned-again"),
                "--json");
        assertThat(again.code()).as(again.err()).isZero();
        JsonNode j = JSON.readTree(again.out());
        assertThat(j.at("/heads/mlp/verdicts/0/knob").asText()).isEqualTo("weight_decay");
        for (String f : List.of("tune.json", "mlp/trials.jsonl", "mlp/selection.json", "mlp/head.json", "linear/selection.json")) {
            assertThat(dir.resolve("tuned-again").resolve(f)).hasSameBinaryContentAs(dir.resolve("tuned").resolve(f));
        }
    }

    @Test
    void poisonedTestRowsLeaveTheTrialsAndSelectionUnchanged() throws Exception {
        FeatureStore store = FeatureStore.open(features.resolve("store"));
        FeatureMatrix test = store.split("test");
        float[][] x = new float[test.rows()][test.dim()];
        int[] y = new int[test.rows()];
        for (int i = 0; i < test.rows(); i++) {
            java.util.Arrays.fill(x[i], 1e6f * (i % 2 == 0 ? 1 : -1));
            y[i] = 1 - test.labels()[i];
        }
        Map<String, FeatureMatrix> splits = new TreeMap<>();
        for (String s : store.splitNames()) {
            splits.put(s, store.split(s));
        }
        splits.put("test", FeatureMatrix.of(x, y));
        FeatureStore.write(dir.resolve("poisoned/store"), store.manifest().key(), store.labels(), splits);
        CliRun r = CliRun.run("tune", "--features", p("poisoned"), "--heads", p("heads.yaml"), "--out", p("tuned-poisoned"));
        assertThat(r.code()).as(r.err()).isZero();
        for (String f : List.of("tune.json", "mlp/trials.jsonl", "mlp/selection.json", "linear/trials.jsonl",
                "linear/selection.json", "mlp/head.json")) {
            assertThat(dir.resolve("tuned-poisoned").resolve(f)).as(f).hasSameBinaryContentAs(dir.resolve("tuned").resolve(f));
        }
    }

    @Test
    void aHeadWithoutRangesIsJudgedAroundItsOwnSettings() throws Exception {
        Files.writeString(dir.resolve("plain.yaml"), """
                heads:
                  - name: mlp
                    kind: mlp
                    hidden_sizes: [8]
                    regularization: {weight_decay: 0.01}
                    training: {learning_rate: 0.02, epochs: 3, batch_size: 16}
                """);
        CliRun r = CliRun.run("tune", "--features", features.toString(), "--heads", p("plain.yaml"), "--out", p("judged"),
                "--folds", "2", "--threads", "1", "--json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode j = JSON.readTree(r.out());
        assertThat(j.at("/heads/mlp/space").asText()).isEqualTo("auto");
        assertThat(j.at("/heads/mlp/verdicts/1/reference").asText()).as("the written settings are the judged trial")
                .startsWith("b-");
    }

    @Test
    void badInputsAreRefusedWithTheOptionOrKeyNamed() throws Exception {
        CliRun strategy = CliRun.run("tune", "--features", features.toString(), "--heads", p("heads.yaml"), "--out", p("x"),
                "--strategy", "halfing");
        assertThat(strategy.code()).isEqualTo(2);
        assertThat(strategy.err()).contains("--strategy: unknown value 'halfing'");
        CliRun grid = CliRun.run("tune", "--features", features.toString(), "--heads", p("heads.yaml"), "--out", p("x"),
                "--strategy", "grid");
        assertThat(grid.code()).isEqualTo(1);
        assertThat(grid.err()).contains("--strategy (tune.strategy): 'grid' cannot sweep head 'linear'");
        CliRun folds = CliRun.run("tune", "--features", features.toString(), "--heads", p("heads.yaml"), "--out", p("x"),
                "--folds", "1");
        assertThat(folds.code()).isEqualTo(2);
        assertThat(folds.err()).contains("--folds: expected 0 (the fixed val split) or k >= 2, got 1");
        CliRun train = CliRun.run("train", "--features", features.toString(), "--heads", p("heads.yaml"), "--out", p("y"));
        assertThat(train.code()).isEqualTo(1);
        assertThat(train.err()).contains("heads 'mlp': has ranges or regularization: auto", "regula tune");
        assertThat(dir.resolve("x")).doesNotExist();
    }
}
