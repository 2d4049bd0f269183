package dev.regula.pipeline.spec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.regula.transfer.regularize.DropoutSpec;
import dev.regula.transfer.tune.Knob;
import dev.regula.transfer.tune.Range;
import dev.regula.transfer.tune.SearchSpace;
import dev.regula.transfer.tune.TuneSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ranges, {@code regularization: auto} and the {@code tune:} section: every form, and the errors before any compute. */
class TuneSpecTest {
    @TempDir
    Path dir;

    @BeforeEach
    void files() throws Exception {
        Files.writeString(dir.resolve("backbone.onnx"), "not read by the spec reader");
        Files.writeString(dir.resolve("data.jsonl"), "{}\n");
    }

    private static final String BASE = """
            backbone: {model: backbone.onnx}
            data: {path: data.jsonl}
            """;

    private PipelineSpec read(String yaml) throws Exception {
        Path f = dir.resolve("pipeline.yaml");
        Files.writeString(f, BASE + yaml);
        return SpecReader.read(f);
    }

    private String error(String yaml) {
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> read(yaml));
        assertThat(t).as("expected a spec error").isInstanceOf(SpecException.class);
        return t.getMessage().substring(t.getMessage().indexOf("pipeline.yaml: ") + "pipeline.yaml: ".length());
    }

    @Test
    void everyRangeFormIsReadIntoTheSpaceInTheOrderWritten() throws Exception {
        PipelineSpec s = read("""
                heads:
                  - name: mlp
                    kind: mlp
                    hidden_sizes: [8]
                    regularization:
                      dropout: {kind: gaussian, rate: {uniform: [0.1, 0.5]}, input_rate: [0.0, 0.2]}
                      weight_decay: {log_uniform: [1.0e-4, 1.0e-1]}
                      max_norm: {choice: [2.0, 4.0]}
                      early_stopping: {patience: 3}
                    training: {learning_rate: {log_uniform: [1.0e-4, 1.0e-2]}, epochs: 9}
                  - name: lin
                    kind: linear
                    regularization: {elastic_net: {alpha: {path: 12, min_ratio: 1.0e-3}, l1_ratio: [0.5, 0.9]}}
                  - {name: plain, kind: linear, regularization: {l2: 0.01}}
                """);
        Sections.Head mlp = s.heads().get(0);
        assertThat(mlp.tuned()).isTrue();
        assertThat(mlp.search().auto()).isFalse();
        assertThat(mlp.search().space().dims()).containsExactly(
                new SearchSpace.Dim(Knob.DROPOUT_RATE, new Range.Uniform(0.1, 0.5)),
                new SearchSpace.Dim(Knob.DROPOUT_INPUT_RATE, new Range.Choice(List.of(0.0, 0.2))),
                new SearchSpace.Dim(Knob.WEIGHT_DECAY, new Range.LogUniform(1e-4, 1e-1)),
                new SearchSpace.Dim(Knob.MAX_NORM, new Range.Choice(List.of(2.0, 4.0))),
                new SearchSpace.Dim(Knob.LEARNING_RATE, new Range.LogUniform(1e-4, 1e-2)));
        // fixed keys beside ranges stay as written
        assertThat(mlp.regularization().dropout().kind()).isEqualTo(DropoutSpec.Kind.GAUSSIAN);
        assertThat(mlp.regularization().earlyStopping().patience()).isEqualTo(3);
        assertThat(mlp.training().epochs()).isEqualTo(9);
        Sections.Head lin = s.heads().get(1);
        assertThat(lin.search().space().dims()).containsExactly(
                new SearchSpace.Dim(Knob.ELASTIC_NET_ALPHA, new Range.Path(12, 1e-3)),
                new SearchSpace.Dim(Knob.ELASTIC_NET_L1_RATIO, new Range.Choice(List.of(0.5, 0.9))));
        assertThat(s.heads().get(2).tuned()).isFalse();
        assertThat(s.tunes()).isTrue();
        assertThat(s.tune()).isEqualTo(Sections.Tune.defaults());
        assertThat(s.tune().strategyFor(mlp)).isEqualTo(TuneSpec.Strategy.HALVING);
        assertThat(s.tune().strategyFor(lin)).isEqualTo(TuneSpec.Strategy.PATH);
    }

    @Test
    void autoTakesTheKindsDefaultSpaceAndFixedKeysBesideIt() throws Exception {
        PipelineSpec s = read("""
                heads:
                  - {name: a, kind: mlp, hidden_sizes: [8], regularization: auto}
                  - name: b
                    kind: mlp
                    hidden_sizes: [8]
                    regularization: {auto: true, weight_decay: 0.01, early_stopping: {patience: 2}}
                  - {name: c, kind: linear, regularization: auto}
                tune: {folds: 3, rule: min, refit: false, strategy: auto, trials: 5, eta: 2, min_epochs: 1, threads: 1}
                """);
        Sections.Head a = s.heads().get(0);
        assertThat(a.search().auto()).isTrue();
        assertThat(a.search().baseline()).isFalse();
        assertThat(a.search().space()).isEqualTo(SearchSpace.defaultFor(a.head()));
        Sections.Head b = s.heads().get(1);
        assertThat(b.search().baseline()).as("weight_decay written beside auto is judged as a baseline").isTrue();
        assertThat(b.regularization().earlyStopping().patience()).isEqualTo(2);
        assertThat(s.tune().strategyFor(s.heads().get(2))).isEqualTo(TuneSpec.Strategy.PATH);
        assertThat(s.tune()).isEqualTo(new Sections.Tune(null, 5, 3, TuneSpec.Rule.MIN, false, 2, 1, 5, 1));
        assertThat(s.tune().specFor(a, 42).refit()).isFalse();
    }

    @Test
    void aStrategyMayBeGivenPerTunedHead() throws Exception {
        PipelineSpec s = read("""
                heads:
                  - {name: lin, kind: linear, regularization: auto}
                  - {name: deep, kind: mlp, hidden_sizes: [8], regularization: auto}
                tune: {strategy: {deep: grid}}
                """);
        assertThat(s.tune().strategyFor(s.heads().get(0))).isEqualTo(TuneSpec.Strategy.PATH);
        assertThat(s.tune().strategyFor(s.heads().get(1))).isEqualTo(TuneSpec.Strategy.GRID);
        assertThat(error("""
                heads: [{name: lin, kind: linear, regularization: auto}, {name: deep, kind: mlp, hidden_sizes: [8]}]
                tune: {strategy: {dep: grid}}
                """)).isEqualTo("tune.strategy.dep: not a tuned head (one with a range or 'regularization: auto'); "
                + "the tuned heads are [lin]");
        assertThat(error("""
                heads: [{name: lin, kind: linear, regularization: auto}, {name: deep, kind: mlp, hidden_sizes: [8], regularization: auto}]
                tune: {strategy: {dep: grid}}
                """)).startsWith("tune.strategy.dep: not a tuned head (one with a range or 'regularization: auto'); did you "
                + "mean 'deep'?");
        assertThat(error("heads: {name: lin, kind: linear, regularization: auto}\ntune: {strategy: {lin: grid}}\n"))
                .startsWith("tune.strategy: 'grid' cannot sweep head 'lin'");
    }

    @Test
    void aPlainListIsAChoiceAndAGridIsChosenForPureChoices() throws Exception {
        PipelineSpec s = read("heads: {kind: mlp, hidden_sizes: [4], regularization: {l2: [0.0, 0.001]}}\n");
        assertThat(s.heads().get(0).search().space().dims())
                .containsExactly(new SearchSpace.Dim(Knob.L2, new Range.Choice(List.of(0.0, 0.001))));
        assertThat(s.tune().strategyFor(s.heads().get(0))).isEqualTo(TuneSpec.Strategy.GRID);
    }

    @Test
    void badRangesNameTheirKeyPathAndWhatWasExpected() {
        assertThat(error("heads: {kind: mlp, hidden_sizes: [4], regularization: {l2: {log_unifrom: [0.1, 1.0]}}}\n"))
                .startsWith("heads.regularization.l2.log_unifrom: unknown key, did you mean 'log_uniform'?");
        assertThat(error("heads: {kind: mlp, hidden_sizes: [4], regularization: {l2: {log_uniform: [0.1, 0.1]}}}\n"))
                .isEqualTo("heads.regularization.l2.log_uniform: expected lo < hi, got [0.1, 0.1]");
        assertThat(error("heads: {kind: mlp, hidden_sizes: [4], regularization: {l2: {log_uniform: [0.0, 0.1]}}}\n"))
                .startsWith("heads.regularization.l2.log_uniform: a log range needs lo > 0, got 0");
        assertThat(error("heads: {kind: mlp, hidden_sizes: [4], regularization: {l2: {uniform: [0.1]}}}\n"))
                .isEqualTo("heads.regularization.l2.uniform: expected [lo, hi], got 1 numbers");
        assertThat(error("heads: {kind: mlp, hidden_sizes: [4], regularization: {dropout: {rate: [0.1, 1.5]}}}\n"))
                .isEqualTo("heads.regularization.dropout.rate: expected a number in [0, 1), got 1.5");
        assertThat(error("heads: {kind: mlp, hidden_sizes: [4], regularization: {l2: [0.1, abc]}}\n"))
                .isEqualTo("heads.regularization.l2[1]: expected a number, got 'abc'");
        assertThat(error("heads: {kind: mlp, hidden_sizes: [4], regularization: {early_stopping: {patience: [2, 4]}}}\n"))
                .startsWith("heads.regularization.early_stopping.patience: not searchable: only these keys take a range:");
        assertThat(error("heads: {kind: mlp, hidden_sizes: [4], training: {batch_size: {choice: [16, 32]}}}\n"))
                .startsWith("heads.training.batch_size: not searchable");
        assertThat(error("heads: {kind: mlp, hidden_sizes: [4], regularization: {dropout: {rate: {path: 10}}}}\n"))
                .startsWith("heads.regularization.dropout.rate.path: a regularization path sweeps a penalty strength");
    }

    @Test
    void rangesThatDoNotSuitTheHeadOrTheStrategyFailBeforeAnythingRuns() {
        assertThat(error("heads: {kind: mlp, hidden_sizes: [4], regularization: {l2: {path: 10}}}\n"))
                .startsWith("heads.regularization.l2: a regularization path needs a linear head");
        assertThat(error("heads: {kind: linear, regularization: {dropout: {rate: [0.1, 0.2]}}}\n"))
                .startsWith("heads.regularization.dropout.rate: a linear head has no hidden layer");
        assertThat(error("heads: {kind: linear, regularization: {l2: {path: 10}, dropout: {kind: standard, input_rate: 0.1}}}\n"))
                .startsWith("heads.regularization: strategy 'path' solves the l1/l2/elastic_net loss full-batch and cannot "
                        + "honour [dropout]");
        assertThat(error("heads: {kind: linear, regularization: {l2: {path: 10}}}\ntune: {strategy: grid}\n"))
                .startsWith("tune.strategy: 'grid' cannot sweep head 'head-0'");
        assertThat(error("heads: {kind: linear, regularization: {l2: [0.1, 1.0]}}\ntune: {strategy: path}\n"))
                .startsWith("tune.strategy: 'path' needs a {path: n} range");
        assertThat(error("heads: {kind: mlp, hidden_sizes: [4], regularization: auto, training: {epochs: 4}}\ntune: {min_epochs: 5}\n"))
                .startsWith("tune.min_epochs: 5 exceeds head 'head-0''s training.epochs 4");
        assertThat(error("heads: {kind: mlp, hidden_sizes: [4], regularization: {auto: true, l2: [0.1, 0.2]}}\n"))
                .startsWith("heads.regularization: 'auto' searches the default space");
    }

    @Test
    void autoAndTheTuneSectionAreCheckedLikeEveryOtherKey() {
        assertThat(error("heads: {kind: mlp, hidden_sizes: [4], regularization: atuo}\n"))
                .isEqualTo("heads.regularization: expected a mapping of regularizers or 'auto', got 'atuo' (did you mean 'auto'?)");
        assertThat(error("heads: {kind: mlp, hidden_sizes: [4], regularization: auto}\ntune: {fold: 3}\n"))
                .isEqualTo("tune.fold: unknown key, did you mean 'folds'?");
        assertThat(error("heads: {kind: mlp, hidden_sizes: [4], regularization: auto}\ntune: {strategy: halfing}\n"))
                .startsWith("tune.strategy: unknown value 'halfing'");
        assertThat(error("heads: {kind: mlp, hidden_sizes: [4], regularization: auto}\ntune: {rule: 1se}\n"))
                .startsWith("tune.rule: unknown value '1se', expected one of [min, one_se]");
        assertThat(error("heads: {kind: mlp, hidden_sizes: [4], regularization: auto}\ntune: {folds: 1}\n"))
                .isEqualTo("tune.folds: expected 0 (the fixed val split) or k >= 2, got 1");
        assertThat(error("heads: {kind: mlp, hidden_sizes: [4], regularization: auto}\ntune: {trials: 0}\n"))
                .isEqualTo("tune.trials: 0 is not >= 1");
        assertThat(error("heads: {kind: mlp, hidden_sizes: [4]}\ntune: {folds: 3}\n"))
                .startsWith("tune: no head has a range or 'regularization: auto'");
        assertThat(error("heads: {kind: mlp, hidden_sizes: [4], regularization: {auto: 1}}\n"))
                .startsWith("heads.regularization.auto: expected true or false");
    }
}
