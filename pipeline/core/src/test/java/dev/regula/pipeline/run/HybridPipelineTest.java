package dev.regula.pipeline.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.regula.models.OnnxModel;
import dev.regula.pipeline.spec.SpecException;
import dev.regula.pipeline.spec.SpecReader;
import dev.regula.pipeline.stage.Pipeline;
import dev.regula.transfer.features.FeatureStore;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code features.kind: hybrid} end to end on the tiny inputs. The backbone window (4 tokens) is shorter
 * than most texts (3-7 words), so the exported graph's in-graph cut is what the neural store saw.
 */
class HybridPipelineTest {
    private static String spec(String features) {
        return TinyPipeline.spec().replace("max_length: 16", "max_length: 4")
                .replace("features: {batch_size: 16, threads: 1}", "features:\n  batch_size: 16\n  threads: 1\n" + features);
    }

    private static final String HYBRID = """
              kind: hybrid
              lexical: {ngram_max: 2, max_features: 30, min_df: 2, max_length: 32}
              hybrid: {neural_scale: 0.5, lexical_scale: 2.0}
            """;

    @Test
    void hybridFeaturesTrainExportValidateAndPredict(@TempDir Path dir) throws Exception {
        TinyPipeline.writeInputs(dir, 11);
        Path spec = TinyPipeline.writeSpec(dir, spec(HYBRID) + "report: {title: Hybrid}\n");
        Path work = dir.resolve("work");
        RunResult r = Pipeline.run(new RunRequest(spec, work, null, false, System.out::println));
        assertThat(r.outcomes().values()).containsOnly(RunResult.Outcome.RAN);
        OnnxModel model = OnnxModel.read(r.model());
        // One graph: the transformer (its Gather on the embedding) and the TF-IDF block together.
        assertThat(model.proto().getGraph().getNodeList()).anyMatch(n -> n.getOpType().equals("TfIdfVectorizer"));
        assertThat(model.proto().getGraph().getNodeList()).anyMatch(n -> n.getOpType().equals("MatMul"));
        assertThat(dev.regula.models.Checker.problems(model.proto())).as("the exported graph, head fused").isEmpty();
        assertThat(model.proto().getGraph().getInputList()).extracting(i -> i.getName())
                .containsExactlyInAnyOrder("input_ids", "attention_mask");
        assertThat(model.metadata()).containsEntry("regula.lexical.vocabulary_size", "30")
                .containsEntry("regula.feature.kind", "hybrid").containsEntry("regula.hybrid.neural_dim", "8")
                .containsEntry("regula.hybrid.neural_window", "4").containsEntry("regula.tokenizer.max_length", "32");
        FeatureStore store = FeatureStore.open(work.resolve("features").resolve("store"));
        assertThat(store.split("train").dim()).isEqualTo(8 + 30);
        assertThat(Files.exists(work.resolve("features").resolve("neural-scratch"))).isFalse();
        // Block scales: each block is L2-normalised, so a train row's blocks have norms 0.5 and 2.
        float[] row = store.split("train").row(0);
        assertThat(norm(row, 0, 8)).isCloseTo(0.5, org.assertj.core.api.Assertions.within(1e-5));
        assertThat(norm(row, 8, 38)).isCloseTo(2.0, org.assertj.core.api.Assertions.within(1e-5));

        var summary = r.summary();
        assertThat(summary.get("gates_passed").asBoolean()).isTrue();
        assertThat(summary.at("/validation/parity/max_abs_error").asDouble()).isLessThanOrEqualTo(1e-5);
        assertThat(summary.at("/validation/accuracy").asDouble()).isGreaterThan(0.8);
        String report = Files.readString(work.resolve("report").resolve("index.html"));
        assertThat(report).contains("features: <b>hybrid (8 neural + vocabulary 30 n-grams)</b>");

        assertThat(TinyPipeline.predictedTestAccuracy(dir, r.model().getParent()))
                .isCloseTo(summary.at("/validation/accuracy").asDouble(), org.assertj.core.api.Assertions.within(1e-12));
        RunResult again = Pipeline.run(new RunRequest(spec, work, null, false, null));
        assertThat(again.outcomes().values()).containsOnly(RunResult.Outcome.UP_TO_DATE);
    }

    private static double norm(float[] x, int from, int to) {
        double s = 0;
        for (int j = from; j < to; j++) {
            s += (double) x[j] * x[j];
        }
        return Math.sqrt(s);
    }

    @Test
    void badHybridKeysAreNamed(@TempDir Path dir) throws Exception {
        TinyPipeline.writeInputs(dir, 11);
        Path kind = TinyPipeline.writeSpec(dir, spec("  kind: hybird\n"));
        assertThatThrownBy(() -> SpecReader.read(kind)).isInstanceOf(SpecException.class)
                .hasMessageContaining("features.kind").hasMessageContaining("did you mean 'hybrid'");
        Path key = TinyPipeline.writeSpec(dir, spec("  kind: hybrid\n  hybrid: {lexical_scal: 2}\n"));
        assertThatThrownBy(() -> SpecReader.read(key)).isInstanceOf(SpecException.class)
                .hasMessageContaining("lexical_scal").hasMessageContaining("lexical_scale");
        Path zero = TinyPipeline.writeSpec(dir, spec("  kind: hybrid\n  hybrid: {neural_scale: 0}\n"));
        assertThatThrownBy(() -> SpecReader.read(zero)).isInstanceOf(SpecException.class)
                .hasMessageContaining("features.hybrid.neural_scale");
        Path text = TinyPipeline.writeSpec(dir, spec("  kind: hybrid\n  hybrid: {lexical_scale: big}\n"));
        assertThatThrownBy(() -> SpecReader.read(text)).isInstanceOf(SpecException.class)
                .hasMessageContaining("features.hybrid.lexical_scale").hasMessageContaining("a number");
        Path neural = TinyPipeline.writeSpec(dir, spec("  hybrid: {neural_scale: 2}\n"));
        assertThatThrownBy(() -> SpecReader.read(neural)).isInstanceOf(SpecException.class)
                .hasMessageContaining("features.hybrid").hasMessageContaining("features.kind: hybrid");
        Path trunc = TinyPipeline.writeSpec(dir, spec("  kind: hybrid\n").replace("max_length: 4", "max_length: 4\n  truncation: false"));
        assertThatThrownBy(() -> SpecReader.read(trunc)).isInstanceOf(SpecException.class)
                .hasMessageContaining("backbone.truncation");
    }

    @Test
    void aLexicalWindowShorterThanTheBackbonesIsRefusedNamingBothKeys(@TempDir Path dir) throws Exception {
        TinyPipeline.writeInputs(dir, 11);
        Path spec = TinyPipeline.writeSpec(dir, spec("  kind: hybrid\n  lexical: {max_length: 3}\n"));
        assertThatThrownBy(() -> Pipeline.run(new RunRequest(spec, dir.resolve("work"), null, false, null)))
                .hasMessageContaining("features.lexical.max_length").hasMessageContaining("backbone.max_length");
    }
}
