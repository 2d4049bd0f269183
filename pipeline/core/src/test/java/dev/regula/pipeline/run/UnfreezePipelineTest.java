package dev.regula.pipeline.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.regula.models.OnnxModel;
import dev.regula.models.onnx.TensorProto;
import dev.regula.pipeline.RegulaException;
import dev.regula.pipeline.spec.SpecException;
import dev.regula.pipeline.spec.SpecReader;
import dev.regula.pipeline.stage.Pipeline;
import dev.regula.transfer.finetune.UnfreezePlan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code backbone.unfreeze} end to end on a tiny two-layer encoder: hidden states cached at the cut,
 * the last layer trained with an MLP head, written back into the exported graph, and ORT's outputs
 * checked against the DJL forward on the test split.
 */
class UnfreezePipelineTest {
    static String spec(String unfreeze, String heads) {
        return """
                seed: 7
                backbone:
                  model: encoder.onnx
                  tokenizer: tokenizer.json
                  pooling: mean
                  max_length: 16
                  unfreeze: %s
                data:
                  path: data.jsonl
                split: {train: 0.6, val: 0.2, test: 0.2}
                features: {batch_size: 16, threads: 1}
                heads:
                %s
                validate:
                  latency_samples: 3
                  gates: {min_accuracy: 0.6, max_parity_error: 0.0001}
                report: {title: unfrozen}
                """.formatted(unfreeze, heads);
    }

    static final String MLP = """
              - name: probe
                kind: mlp
                hidden_sizes: [6]
                training: {learning_rate: 0.05, epochs: 6, batch_size: 16}
            """;

    static Path inputs(Path dir) throws Exception {
        TinyPipeline.writeInputs(dir, 11);
        TinyEncoder.write(dir.resolve("encoder.onnx"), 5);
        return dir;
    }

    private static Map<String, TensorProto> initializers(OnnxModel m) {
        Map<String, TensorProto> out = new HashMap<>();
        m.proto().getGraph().getInitializerList().forEach(t -> out.put(t.getName(), t));
        return out;
    }

    @Test
    void lastLayerTrainsIsWrittenBackAndMatchesTheDjlForward(@TempDir Path dir) throws Exception {
        inputs(dir);
        Path spec = TinyPipeline.writeSpec(dir, spec("{layers: 1, learning_rate: 0.01, l2_sp: 0.1, epochs: 3, cache_dtype: fp32}", MLP));
        Path work = dir.resolve("work");
        RunResult r = Pipeline.run(new RunRequest(spec, work, null, false, System.out::println));
        assertThat(r.outcomes().values()).containsOnly(RunResult.Outcome.RAN);
        assertThat(work.resolve("features/hidden/train.bin")).isRegularFile();
        assertThat(work.resolve("report/index.html")).isRegularFile();
        assertThat(work.resolve("train/probe/history.json")).content().contains("\"best_epoch\"");
        assertThat(work.resolve("features/hidden/plan.json")).content().contains("\"layers\" : 1");

        OnnxModel exported = OnnxModel.read(r.model());
        OnnxModel backbone = OnnxModel.read(dir.resolve("encoder.onnx"));
        assertThat(exported.metadata()).containsKey("regula.unfreeze");
        assertThat(dev.regula.models.Checker.problems(exported.proto())).as("the written-back graph, head fused").isEmpty();
        Map<String, TensorProto> before = initializers(backbone);
        Map<String, TensorProto> after = initializers(exported);
        assertThat(after.get("encoder.layer.0.q.weight")).as("below the cut: untouched").isEqualTo(before.get("encoder.layer.0.q.weight"));
        assertThat(after.get("embeddings.word")).isEqualTo(before.get("embeddings.word"));
        assertThat(after.get("encoder.layer.1.q.weight")).as("above the cut: trained").isNotEqualTo(before.get("encoder.layer.1.q.weight"));
        assertThat(after.get("encoder.layer.1.ff2.bias")).isNotEqualTo(before.get("encoder.layer.1.ff2.bias"));
        assertThat(exported.proto().getGraph().getNodeList()).extracting(n -> n.getName())
                .containsAll(backbone.proto().getGraph().getNodeList().stream().map(n -> n.getName()).toList());

        var summary = r.summary();
        assertThat(summary.at("/validation/parity/max_abs_error").asDouble()).isLessThan(1e-4);
        assertThat(summary.at("/validation/parity/argmax_agreement").asDouble()).isEqualTo(1.0);
        assertThat(summary.get("gates_passed").asBoolean()).isTrue();

        RunResult again = Pipeline.run(new RunRequest(spec, work, null, false, null));
        assertThat(again.outcomes().values()).containsOnly(RunResult.Outcome.UP_TO_DATE);
        // A training key of unfreeze retrains; the cached hidden states stay.
        Files.writeString(spec, Files.readString(spec).replace("l2_sp: 0.1", "l2_sp: 1000"));
        RunResult retrained = Pipeline.run(new RunRequest(spec, work, null, false, null));
        assertThat(retrained.outcomes().get(StageName.FEATURES)).isEqualTo(RunResult.Outcome.UP_TO_DATE);
        assertThat(retrained.outcomes().get(StageName.IMPORT)).isEqualTo(RunResult.Outcome.UP_TO_DATE);
        assertThat(retrained.outcomes().get(StageName.TRAIN)).isEqualTo(RunResult.Outcome.RAN);
    }

    @Test
    void aNamedCutTrainsTheWholeLayersAboveIt(@TempDir Path dir) throws Exception {
        inputs(dir);
        var g = OnnxModel.read(dir.resolve("encoder.onnx")).proto().getGraph();
        UnfreezePlan last = UnfreezePlan.lastLayers(g, 1);
        UnfreezePlan named = UnfreezePlan.atTensor(g, last.cut(), "last_hidden_state");
        assertThat(named).isEqualTo(last);
        assertThat(last.trainable()).hasSize(16).allMatch(n -> n.startsWith("encoder.layer.1."));
        UnfreezePlan both = UnfreezePlan.lastLayers(g, 2);
        assertThat(UnfreezePlan.atTensor(g, both.cut(), "last_hidden_state").layers()).isEqualTo(2);
        assertThat(both.trainable()).hasSize(32);
        // a tensor inside the last layer leaves no whole layer above it
        String inside = g.getNodeList().stream().filter(n -> n.getName().startsWith("/encoder/layer.1/") && n.getOpType().equals("Softmax"))
                .findFirst().orElseThrow().getOutput(0);
        assertThatThrownBy(() -> UnfreezePlan.atTensor(g, inside, "last_hidden_state"))
                .hasMessageContaining("no whole transformer layer").hasMessageContaining(inside);
    }

    @Test
    void badKeysAndRefusalsNameTheKey(@TempDir Path dir) throws Exception {
        inputs(dir);
        assertThatThrownBy(() -> SpecReader.read(TinyPipeline.writeSpec(dir, spec("{layer: 1}", MLP))))
                .isInstanceOf(SpecException.class).hasMessageContaining("backbone.unfreeze.layer").hasMessageContaining("layers");
        assertThatThrownBy(() -> SpecReader.read(TinyPipeline.writeSpec(dir, spec("{layers: 1, schedule: lpft}", MLP))))
                .isInstanceOf(SpecException.class).hasMessageContaining("backbone.unfreeze.schedule")
                .hasMessageContaining("did you mean 'lp_ft'");
        assertThatThrownBy(() -> SpecReader.read(TinyPipeline.writeSpec(dir, spec("{layers: 1, l2sp: 1}", MLP))))
                .isInstanceOf(SpecException.class).hasMessageContaining("l2_sp");
        assertThatThrownBy(() -> SpecReader.read(TinyPipeline.writeSpec(dir, spec("0", MLP))))
                .isInstanceOf(SpecException.class).hasMessageContaining("backbone.unfreeze");
        assertThatThrownBy(() -> SpecReader.read(TinyPipeline.writeSpec(dir, spec("{layers: 1, cut: x}", MLP))))
                .isInstanceOf(SpecException.class).hasMessageContaining("both");
        assertThatThrownBy(() -> SpecReader.read(TinyPipeline.writeSpec(dir, spec("1", MLP) + "ensemble: {members: [probe]}\n")))
                .isInstanceOf(SpecException.class).hasMessageContaining("ensemble").hasMessageContaining("backbone.unfreeze");
        String two = MLP + "  - {name: other, kind: linear}\n";
        assertThatThrownBy(() -> SpecReader.read(TinyPipeline.writeSpec(dir, spec("1", two))))
                .isInstanceOf(SpecException.class).hasMessageContaining("heads").hasMessageContaining("one head");
        String tuned = "  - {name: t, kind: linear, regularization: auto}\n";
        assertThatThrownBy(() -> SpecReader.read(TinyPipeline.writeSpec(dir, spec("1", tuned))))
                .isInstanceOf(SpecException.class).hasMessageContaining("tune stage");
        String dropout = "  - {name: d, kind: linear, regularization: {dropout: {kind: standard, rate: 0.2}}}\n";
        assertThatThrownBy(() -> SpecReader.read(TinyPipeline.writeSpec(dir, spec("1", dropout))))
                .isInstanceOf(SpecException.class).hasMessageContaining("regularization.dropout")
                .hasMessageContaining("hidden_dropout");
        for (String kind : List.of("lexical", "hybrid")) {
            assertThatThrownBy(() -> SpecReader.read(TinyPipeline.writeSpec(dir, spec("1", MLP).replace("threads: 1}", "threads: 1, kind: " + kind + "}"))))
                    .isInstanceOf(SpecException.class).hasMessageContaining("features.kind")
                    .hasMessageContaining("backbone.unfreeze");
        }
        // More layers than the encoder has: named when the features stage finds the layers.
        Path tooMany = TinyPipeline.writeSpec(dir, spec("3", MLP));
        assertThatThrownBy(() -> Pipeline.run(new RunRequest(tooMany, dir.resolve("work"), null, false, null)))
                .isInstanceOf(RegulaException.class).hasMessageContaining("backbone.unfreeze.layers")
                .hasMessageContaining("expected 1..2");
    }
}
