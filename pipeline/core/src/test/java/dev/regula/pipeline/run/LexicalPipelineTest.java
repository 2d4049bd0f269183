package dev.regula.pipeline.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.regula.models.OnnxModel;
import dev.regula.pipeline.spec.SpecException;
import dev.regula.pipeline.spec.SpecReader;
import dev.regula.pipeline.stage.Pipeline;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code features.kind: lexical} end to end on the tiny inputs: fit on train, train a linear head, export, validate. */
class LexicalPipelineTest {
    private static String spec(String lexical) {
        return TinyPipeline.spec().replace("features: {batch_size: 16, threads: 1}",
                "features:\n  kind: lexical\n  lexical: " + lexical);
    }

    @Test
    void lexicalFeaturesTrainExportAndValidate(@TempDir Path dir) throws Exception {
        TinyPipeline.writeInputs(dir, 11);
        Path spec = TinyPipeline.writeSpec(dir, spec("{ngram_max: 2, max_features: 40, min_df: 2, max_length: 32}")
                + "report: {title: Lexical}\n");
        Path work = dir.resolve("work");
        RunResult r = Pipeline.run(new RunRequest(spec, work, null, false, System.out::println));
        assertThat(r.outcomes().values()).containsOnly(RunResult.Outcome.RAN);
        OnnxModel model = OnnxModel.read(r.model());
        assertThat(model.proto().getGraph().getNodeList()).anyMatch(n -> n.getOpType().equals("TfIdfVectorizer"));
        assertThat(model.proto().getGraph().getNodeList()).noneMatch(n -> n.getOpType().equals("Gather"))
                .as("no transformer in a lexical model");
        assertThat(model.metadata()).containsEntry("regula.lexical.vocabulary_size", "40")
                .containsEntry("regula.lexical.ngram_max", "2").containsEntry("regula.tokenizer.max_length", "32")
                .containsKeys("regula.lexical.vocabulary_rule", "regula.lexical.train_docs");
        assertThat(java.nio.file.Files.readString(work.resolve("report").resolve("index.html")))
                .contains("features: <b>lexical (vocabulary 40 n-grams)</b>");
        var summary = r.summary();
        assertThat(summary.get("gates_passed").asBoolean()).isTrue();
        assertThat(summary.at("/validation/parity/max_abs_error").asDouble()).isLessThan(1e-4);
        assertThat(summary.at("/validation/accuracy").asDouble()).isGreaterThan(0.8);
        // `regula predict` reads the export folder unchanged: same accuracy on the test split as validate.
        assertThat(TinyPipeline.predictedTestAccuracy(dir, r.model().getParent()))
                .isCloseTo(summary.at("/validation/accuracy").asDouble(), org.assertj.core.api.Assertions.within(1e-12));
        RunResult again = Pipeline.run(new RunRequest(spec, work, null, false, null));
        assertThat(again.outcomes().values()).containsOnly(RunResult.Outcome.UP_TO_DATE);
    }

    @Test
    void badKindsAndKeysAreNamed(@TempDir Path dir) throws Exception {
        TinyPipeline.writeInputs(dir, 11);
        Path kind = TinyPipeline.writeSpec(dir, TinyPipeline.spec().replace("features: {batch_size: 16, threads: 1}",
                "features: {kind: lexicl}"));
        assertThatThrownBy(() -> SpecReader.read(kind)).isInstanceOf(SpecException.class)
                .hasMessageContaining("features.kind").hasMessageContaining("did you mean 'lexical'");
        Path key = TinyPipeline.writeSpec(dir, spec("{max_feature: 10}"));
        assertThatThrownBy(() -> SpecReader.read(key)).isInstanceOf(SpecException.class)
                .hasMessageContaining("max_feature").hasMessageContaining("max_features");
        Path df = TinyPipeline.writeSpec(dir, spec("{max_df: 1.5}"));
        assertThatThrownBy(() -> SpecReader.read(df)).isInstanceOf(SpecException.class)
                .hasMessageContaining("features.lexical.max_df");
        Path neural = TinyPipeline.writeSpec(dir, TinyPipeline.spec().replace("features: {batch_size: 16, threads: 1}",
                "features: {lexical: {max_features: 10}}"));
        assertThatThrownBy(() -> SpecReader.read(neural)).isInstanceOf(SpecException.class)
                .hasMessageContaining("features.lexical").hasMessageContaining("features.kind: lexical");
    }
}
