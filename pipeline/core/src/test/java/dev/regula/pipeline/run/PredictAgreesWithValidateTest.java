package dev.regula.pipeline.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.regula.models.runtime.RunnerOptions;
import dev.regula.pipeline.predict.Prediction;
import dev.regula.pipeline.predict.Predictor;
import dev.regula.pipeline.stage.Pipeline;
import dev.regula.pipeline.stage.validate.ValidateStep;
import dev.regula.transfer.data.DatasetFormat;
import dev.regula.transfer.data.DatasetReader;
import dev.regula.transfer.data.DatasetSpec;
import dev.regula.transfer.data.Example;
import dev.regula.transfer.data.SplitFractions;
import dev.regula.transfer.data.SplitSpec;
import dev.regula.transfer.data.Splitter;
import dev.regula.transfer.features.FeatureStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code regula predict} and {@code regula validate MODEL --data} read everything they need from the
 * export folder, and on the test split they agree with the pipeline's own validate stage.
 */
class PredictAgreesWithValidateTest {
    /**
     * The second backbone quantizes dynamically: features, validate, predict and standalone validate
     * must all run it one example per call, or batch mates shift each other's outputs and they disagree.
     */
    @ParameterizedTest
    @ValueSource(strings = {"backbone.onnx", "backbone-q.onnx"})
    void predictAndStandaloneValidateMatchTheValidateStage(String backbone, @TempDir Path dir) throws Exception {
        TinyPipeline.writeInputs(dir, 11);
        boolean int8 = backbone.equals("backbone-q.onnx");
        String yaml = TinyPipeline.spec().replace("model: backbone.onnx", "model: " + backbone);
        Path spec = TinyPipeline.writeSpec(dir, int8 ? yaml.replace("batch_size: 16, threads", "batch_size: 0, threads") : yaml);
        Path work = dir.resolve("work");
        RunResult run = Pipeline.run(new RunRequest(spec, work, null, false, null));

        // The test split's texts, in the store's row order (the same seeded split the features stage made).
        DatasetSpec data = DatasetSpec.of(dir.resolve("data.jsonl"), DatasetFormat.JSONL);
        List<Example> test = Splitter.split(DatasetReader.read(data), SplitSpec.stratified(new SplitFractions(0.6, 0.2, 0.2), 7))
                .test();
        FeatureStore store = FeatureStore.open(work.resolve("features/store"));
        assertThat(test).hasSize(store.split("test").rows());

        List<Prediction> predictions;
        try (Predictor p = Predictor.open(run.model().getParent(), RunnerOptions.defaults())) {
            assertThat(p.classes()).isEqualTo(store.labels());
            assertThat(p.batchSize()).isEqualTo(int8 ? 1 : Predictor.BATCH);
            predictions = p.predict(test.stream().map(Example::text).toList());
            for (int i = 0; i < 5; i++) {
                // alone or among others: the same figures (to the last bit for int8, which runs one text per call)
                java.util.Map<String, Double> alone = p.predict(List.of(test.get(i).text())).get(0).probabilities();
                for (String c : store.labels()) {
                    assertThat(alone.get(c)).as("text %d, %s", i, c)
                            .isCloseTo(predictions.get(i).probabilities().get(c), within(int8 ? 0 : 1e-6));
                }
            }
        }
        int correct = 0;
        for (int i = 0; i < test.size(); i++) {
            correct += predictions.get(i).label().equals(test.get(i).label()) ? 1 : 0;
        }
        JsonNode report = new ObjectMapper().readTree(work.resolve("validate/report.json").toFile());
        assertThat((double) correct / test.size()).isCloseTo(report.get("accuracy").asDouble(), within(1e-12));

        Path testFile = dir.resolve("test.jsonl");
        StringBuilder sb = new StringBuilder();
        for (Example e : test) {
            sb.append("{\"text\": \"").append(e.text()).append("\", \"label\": \"").append(e.label()).append("\"}\n");
        }
        Files.writeString(testFile, sb);
        ValidateStep.Result v = ValidateStep.run(new ValidateStep.Request(run.model(), DatasetSpec.of(testFile, DatasetFormat.JSONL),
                RunnerOptions.defaults()));
        assertThat(v.rows()).isEqualTo(test.size());
        assertThat(v.metrics().accuracy()).isCloseTo(report.get("accuracy").asDouble(), within(1e-12));
        assertThat(v.metrics().nll()).isCloseTo(report.get("nll").asDouble(), within(1e-5));
        assertThat(v.provider()).isEqualTo("CPUExecutionProvider");
        assertThat(v.throughputBatch()).isEqualTo(int8 ? 1 : Predictor.BATCH);
        JsonNode manifest = new ObjectMapper().readTree(work.resolve("validate/manifest.json").toFile());
        assertThat(manifest.at("/timings/throughput_batch").asInt()).isEqualTo(int8 ? 1 : 32);
    }
}
