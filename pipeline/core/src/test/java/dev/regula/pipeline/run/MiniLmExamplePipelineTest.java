package dev.regula.pipeline.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.regula.models.OnnxModel;
import dev.regula.models.runtime.RunnerOptions;
import dev.regula.pipeline.predict.Predictor;
import dev.regula.pipeline.stage.Pipeline;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped example's pipeline with the real all-MiniLM-L6-v2 backbone (read from its Maven jar)
 * on a 300-row subset of the SpamAssassin data: every stage runs, the export validates on ONNX
 * Runtime, and {@code predict} reads the export back.
 */
class MiniLmExamplePipelineTest {
    @Test
    void realBackboneOnThreeHundredSpamRows(@TempDir Path dir) throws Exception {
        SpamSlice.write(dir);
        Path spec = dir.resolve("pipeline.yaml");
        Files.writeString(spec, SpamSlice.specHead() + """
                heads:
                  - name: mlp
                    kind: mlp
                    hidden_sizes: [64]
                    regularization:
                      dropout: {kind: standard, rate: 0.3, input_rate: 0.1}
                      early_stopping: {metric: val_loss, patience: 4}
                    training: {learning_rate: 0.002, batch_size: 32, epochs: 20}
                  - name: linear
                    kind: linear
                    regularization: {l2: 0.0001}
                    training: {learning_rate: 0.02, batch_size: 32, epochs: 20}
                ensemble:
                  members: [mlp, linear]
                  combiner: mean
                validate:
                  latency_samples: 5
                  gates: {min_accuracy: 0.8, max_parity_error: 0.0001}
                report: {title: MiniLM on 300 spam rows}
                """);

        RunResult run = Pipeline.run(new RunRequest(spec, dir.resolve("work"), null, false, null));

        assertThat(run.outcomes().values()).containsOnly(RunResult.Outcome.RAN);
        assertThat(run.summary().get("gates_passed").asBoolean()).isTrue();
        assertThat(run.summary().at("/validation/parity/max_abs_error").asDouble()).isLessThan(1e-5);
        OnnxModel model = OnnxModel.read(run.model());
        assertThat(model.proto().getOpsetImport(0).getVersion()).as("written in MiniLM's own opset").isEqualTo(11);
        assertThat(model.metadata()).containsEntry("regula.classes", "[\"ham\",\"spam\"]")
                .containsKey("regula.ensemble.members");
        try (Predictor p = Predictor.open(run.model().getParent(), RunnerOptions.defaults())) {
            assertThat(p.predict(List.of("URGENT: you have WON a free prize, click here to claim now")).get(0).label())
                    .isEqualTo("spam");
        }
        assertThat(dir.resolve("work/report/index.html")).isRegularFile();
    }
}
