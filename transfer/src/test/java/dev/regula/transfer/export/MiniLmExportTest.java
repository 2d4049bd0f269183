package dev.regula.transfer.export;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.regula.models.Checker;
import dev.regula.models.OnnxModel;
import dev.regula.models.runtime.ParityReport;
import dev.regula.transfer.backbone.Backbone;
import dev.regula.transfer.backbone.FeatureModel;
import dev.regula.transfer.backbone.FeatureSpec;
import dev.regula.transfer.backbone.Pooling;
import dev.regula.transfer.data.DatasetFormat;
import dev.regula.transfer.data.DatasetReader;
import dev.regula.transfer.data.Example;
import dev.regula.transfer.data.DatasetSpec;
import dev.regula.transfer.data.SplitFractions;
import dev.regula.transfer.data.SplitSpec;
import dev.regula.transfer.data.Splits;
import dev.regula.transfer.data.Splitter;
import dev.regula.transfer.encode.TextEncoder;
import dev.regula.transfer.features.FeatureExtractorOptions;
import dev.regula.transfer.features.FeatureJob;
import dev.regula.transfer.features.FeatureJobResult;
import dev.regula.transfer.features.FeatureJobSpec;
import dev.regula.transfer.features.FeatureMatrix;
import dev.regula.transfer.features.FeatureStore;
import dev.regula.transfer.head.HeadActivation;
import dev.regula.transfer.head.HeadSpec;
import dev.regula.transfer.regularize.DropoutSpec;
import dev.regula.transfer.regularize.RegularizationSpec;
import dev.regula.transfer.train.HeadTrainer;
import dev.regula.transfer.train.Metrics;
import dev.regula.transfer.train.TrainedHead;
import dev.regula.transfer.train.TrainingSpec;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real all-MiniLM-L6-v2 (opset 11) end to end on 100 SpamAssassin e-mails: feature job, an MLP
 * head, export, then ONNX Runtime on raw token inputs against the stored ORT features + the DJL head.
 * Max length 64 (not 128) keeps the three backbone passes within the test's time budget; parity
 * does not depend on it.
 */
class MiniLmExportTest {
    private static final Path DATA = Path.of("../examples/spam/spamassassin.jsonl.gz");
    private static final String BACKBONE = "classpath:/all-minilm-l6-v2.onnx";
    private static final String TOKENIZER = "classpath:/all-minilm-l6-v2-tokenizer.json";
    private static final int PER_CLASS = 50;
    private static final int MAX_LENGTH = 64;

    @TempDir
    Path dir;

    @Test
    void exportedMiniLmWithMlpHeadMatchesReferenceOnRawTexts() throws Exception {
        Path data = writeBalancedSubset(dir.resolve("spam100.jsonl"));
        Path cache = dir.resolve("cache");
        DatasetSpec dataSpec = DatasetSpec.of(data, DatasetFormat.JSONL);
        SplitSpec splitSpec = SplitSpec.stratified(new SplitFractions(0.6, 0.2, 0.2), 42);
        FeatureJobResult job = FeatureJob.run(new FeatureJobSpec(BACKBONE, TOKENIZER,
                new FeatureSpec("last_hidden_state", Pooling.MEAN, true), MAX_LENGTH, true, dataSpec, splitSpec,
                FeatureExtractorOptions.defaults().withProgress(false), dir.resolve("features"), cache));
        FeatureStore store = FeatureStore.open(job.store());
        FeatureModel fm = FeatureModel.load(job.featureModel());
        Backbone backbone = Backbone.load(BACKBONE, TOKENIZER, cache);

        FeatureMatrix train = store.split("train");
        FeatureMatrix val = store.split("val");
        RegularizationSpec reg = RegularizationSpec.builder().dropout(DropoutSpec.of(DropoutSpec.Kind.STANDARD, 0.1, 0))
                .weightDecay(1e-2).build();
        TrainedHead head = HeadTrainer.train(train, val, store.labels().size(), HeadSpec.mlp(HeadActivation.GELU, 32), reg,
                TrainingSpec.adam(3e-3, 16, 6, 42).withOptimizer(TrainingSpec.Optimizer.ADAMW, 0)
                        .withSchedule(TrainingSpec.Schedule.COSINE, 0, 0, 0.1));
        // the head learned something, so argmax agreement below is not agreement on a constant
        assertThat(Metrics.of(head.predictProba(train), train.labels()).accuracy()).isGreaterThan(0.8);

        Path exported = Files.createDirectories(dir.resolve("export")).resolve(ModelExport.MODEL_FILE);
        ModelExport.withHead(fm, head, false).write(exported);
        OnnxModel model = OnnxModel.read(exported);
        Checker.check(model);
        assertThat(model.proto().getOpsetImportList()).anySatisfy(o -> assertThat(o.getVersion()).isEqualTo(11));
        assertThat(model.proto().getGraph().getInputList()).extracting(i -> i.getName())
                .containsExactlyInAnyOrder("input_ids", "attention_mask", "token_type_ids");
        assertThat(model.proto().getGraph().getOutputList()).extracting(o -> o.getName()).containsExactly("probabilities", "label");

        // The reference reuses the stored features (ORT feature model) instead of running the backbone
        // a third time: the same split, redone, lines the raw texts up with the store's rows.
        Splits splits = Splitter.split(DatasetReader.read(dataSpec), splitSpec);
        List<String> texts = new ArrayList<>();
        List<float[]> rows = new ArrayList<>();
        for (String name : Splits.NAMES) {
            FeatureMatrix m = store.split(name);
            List<Example> examples = splits.get(name);
            assertThat(examples).hasSize(m.rows());
            for (int i = 0; i < m.rows(); i++) {
                assertThat(store.labels().get(m.labels()[i])).isEqualTo(examples.get(i).label());
                texts.add(examples.get(i).text());
                rows.add(m.row(i));
            }
        }
        assertThat(texts).hasSize(2 * PER_CLASS);
        FeatureMatrix reference = FeatureMatrix.of(rows.toArray(new float[0][]), new int[rows.size()]);
        try (TextEncoder enc = TextEncoder.open(backbone.tokenizer().file(), MAX_LENGTH, true)) {
            ParityReport report = ExportParity.check(exported, reference, head, texts, enc);
            assertThat(report.passed()).as(report.toJson()).isTrue();
            assertThat(report.output("probabilities").elements()).isEqualTo(2L * texts.size());
            assertThat(report.output("probabilities").maxAbsError()).isLessThanOrEqualTo(1e-5);
            assertThat(report.argmaxAgreement().orElseThrow().agreeing()).isEqualTo(texts.size());
        }

        // the backbone's provenance travels in the feature model's metadata
        assertThat(model.metadata()).containsEntry(FeatureModel.KEY_BACKBONE_SHA256, backbone.model().sha256());
    }

    /** The first {@value #PER_CLASS} ham and spam e-mails, as JSON lines. */
    private static Path writeBalancedSubset(Path file) throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<String> lines = new ArrayList<>();
        int ham = 0;
        int spam = 0;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(DATA)),
                StandardCharsets.UTF_8))) {
            for (String line; (ham < PER_CLASS || spam < PER_CLASS) && (line = r.readLine()) != null; ) {
                JsonNode node = json.readTree(line);
                boolean isSpam = node.get("label").asText().equals("spam");
                if (isSpam ? spam++ < PER_CLASS : ham++ < PER_CLASS) {
                    ObjectNode row = json.createObjectNode().put("text", node.get("text").asText()).put("label",
                            node.get("label").asText());
                    lines.add(json.writeValueAsString(row));
                }
            }
        }
        Files.write(file, lines, StandardCharsets.UTF_8);
        return file;
    }
}
