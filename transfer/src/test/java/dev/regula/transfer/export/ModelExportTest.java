package dev.regula.transfer.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.regula.models.Checker;
import dev.regula.models.ElemType;
import dev.regula.models.OnnxModel;
import dev.regula.models.onnx.ModelProto;
import dev.regula.models.onnx.StringStringEntryProto;
import dev.regula.models.runtime.OrtRunner;
import dev.regula.models.runtime.ParityReport;
import dev.regula.models.runtime.RunnerOptions;
import dev.regula.models.runtime.TensorSpec;
import dev.regula.transfer.backbone.FeatureModel;
import dev.regula.transfer.encode.TextEncoder;
import dev.regula.transfer.features.FeatureExtractor;
import dev.regula.transfer.features.FeatureExtractorOptions;
import dev.regula.transfer.features.FeatureMatrix;
import dev.regula.transfer.head.HeadActivation;
import dev.regula.transfer.head.HeadSpec;
import dev.regula.transfer.regularize.DropoutSpec;
import dev.regula.transfer.regularize.EarlyStoppingSpec;
import dev.regula.transfer.regularize.RegularizationSpec;
import dev.regula.transfer.train.HeadTrainer;
import dev.regula.transfer.train.TrainedHead;
import dev.regula.transfer.train.TrainingSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Export of a tiny text backbone + trained heads: one checked model with outputs exactly
 * {@code probabilities}/{@code label}, ONNX Runtime on raw tokens matching the DJL reference,
 * metadata reading back equal to the training run's, and no half-written folder on failure.
 */
class ModelExportTest {
    private static final int TRAIN = 90;
    private static final int VAL = 30;

    @TempDir
    Path dir;

    record Trained(FeatureModel fm, TrainedHead head, Path tokenizer, List<String> valTexts) {}

    static Stream<Arguments> heads() {
        return Stream.of(
                Arguments.of(HeadSpec.linear(), RegularizationSpec.builder().l2(1e-3).build(), 11),
                Arguments.of(HeadSpec.mlp(HeadActivation.RELU, 16), RegularizationSpec.builder()
                        .dropout(DropoutSpec.of(DropoutSpec.Kind.STANDARD, 0.2, 0)).weightDecay(1e-2)
                        .earlyStopping(new EarlyStoppingSpec(EarlyStoppingSpec.Metric.VAL_LOSS, 3, 0)).build(), 11),
                Arguments.of(HeadSpec.mlp(HeadActivation.GELU, 12, 8), RegularizationSpec.builder().l2(1e-4).build(), 11),
                Arguments.of(HeadSpec.mlp(HeadActivation.TANH, 16), RegularizationSpec.none(), 17));
    }

    Trained train(HeadSpec spec, RegularizationSpec reg, int opset, boolean l2) throws Exception {
        FeatureModel fm = TinyTextTask.featureModel(3, opset, l2);
        Path tok = TinyTextTask.tokenizer(Files.createDirectories(dir.resolve("tok")));
        int[] yTrain = new int[TRAIN];
        int[] yVal = new int[VAL];
        List<String> train = TinyTextTask.texts(11, TRAIN, yTrain);
        List<String> val = TinyTextTask.texts(12, VAL, yVal);
        FeatureMatrix xTrain;
        FeatureMatrix xVal;
        try (TextEncoder enc = TextEncoder.open(tok, 16, true);
             FeatureExtractor fx = FeatureExtractor.open(fm, FeatureExtractorOptions.defaults().withBatchSize(7).withProgress(false))) {
            xTrain = fx.extract(train, yTrain, enc);
            xVal = fx.extract(val, yVal, enc);
        }
        TrainingSpec ts = TrainingSpec.adam(0.05, 16, 8, 5);
        TrainedHead head = HeadTrainer.train(xTrain, xVal, 3, spec, reg, ts);
        return new Trained(fm, head, tok, val);
    }

    ExportRequest request(Trained t) {
        return ExportRequest.text(t.fm(), t.head(), TinyTextTask.CLASSES, t.tokenizer(), 16, true, TinyTextTask.DATA_SHA);
    }

    @ParameterizedTest(name = "{0} at opset {2}")
    @MethodSource("heads")
    void exportRunsOnOrtAndMatchesTheDjlReference(HeadSpec spec, RegularizationSpec reg, int opset) throws Exception {
        Trained t = train(spec, reg, opset, true);
        ExportResult result = ModelExport.export(request(t), dir.resolve("export"));

        assertThat(result.model()).isEqualTo(dir.resolve("export/model.onnx").toAbsolutePath());
        try (var files = Files.list(dir.resolve("export"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("model.onnx", "tokenizer.json");
        }
        assertThat(Files.readAllBytes(result.tokenizer())).isEqualTo(Files.readAllBytes(t.tokenizer()));
        OnnxModel model = OnnxModel.read(result.model());
        Checker.check(model);
        assertThat(model.proto().getOpsetImport(0).getVersion()).isEqualTo(opset);

        try (OrtRunner runner = OrtRunner.open(result.model(), RunnerOptions.defaults())) {
            assertThat(runner.inputs()).extracting(TensorSpec::name).containsExactly("input_ids", "attention_mask");
            assertThat(runner.outputs()).extracting(TensorSpec::name).containsExactly("probabilities", "label");
            assertThat(runner.outputs()).extracting(TensorSpec::type).containsExactly(ElemType.FLOAT, ElemType.INT64);
            assertThat(runner.outputs().get(0).shape()).hasSize(2).last().isEqualTo(3L);
            assertThat(runner.outputs().get(1).shape()).hasSize(1);
        }

        try (TextEncoder enc = TextEncoder.open(result.tokenizer(), 16, true)) {
            ParityReport report = ExportParity.check(result.model(), t.fm(), t.head(), t.valTexts(), enc);
            assertThat(report.passed()).as(report.toJson()).isTrue();
            assertThat(report.output("probabilities").maxAbsError()).isLessThanOrEqualTo(1e-5);
            assertThat(report.output("probabilities").shape()).containsExactly((long) VAL, 3L);
            assertThat(report.output("label").mismatches()).isZero();
            assertThat(report.argmaxAgreement().orElseThrow().fraction()).isEqualTo(1.0);
        }

        ExportMetadata meta = ExportMetadata.read(result.model());
        assertThat(meta).isEqualTo(result.metadata());
        assertThat(meta.classes()).isEqualTo(TinyTextTask.CLASSES);
        assertThat(ModelExport.readClasses(model)).isEqualTo(TinyTextTask.CLASSES);
        assertThat(meta.headSpec()).isEqualTo(t.head().spec());
        assertThat(meta.regularization()).isEqualTo(t.head().regularization());
        assertThat(meta.training()).isEqualTo(t.head().training());
        assertThat(meta.bestEpoch()).isEqualTo(t.head().history().bestEpoch());
        assertThat(meta.backboneSha256()).isEqualTo(t.fm().backboneSha256());
        assertThat(meta.dataSha256()).isEqualTo(TinyTextTask.DATA_SHA);
        assertThat(meta.tokenizerFile()).isEqualTo("tokenizer.json");
        assertThat(meta.maxLength()).isEqualTo(16);
        assertThat(meta.truncation()).isTrue();
        assertThat(model.metadata().get("regula.classes")).isEqualTo("[\"alpha\",\"beta\",\"gamma\"]");
        // the feature model's own keys travel along
        assertThat(model.metadata()).containsEntry(FeatureModel.KEY_POOLING, "mean")
                .containsEntry(FeatureModel.KEY_DIM, Integer.toString(TinyTextTask.D))
                .containsEntry(FeatureModel.KEY_BACKBONE_SOURCE, "tiny-test");
    }

    @Test
    void earlyStoppedHeadRecordsItsKeptEpoch() throws Exception {
        RegularizationSpec reg = RegularizationSpec.builder()
                .earlyStopping(new EarlyStoppingSpec(EarlyStoppingSpec.Metric.VAL_LOSS, 1, 0)).build();
        Trained t = train(HeadSpec.mlp(HeadActivation.RELU, 32), reg, 11, false);
        ExportResult r = ModelExport.export(request(t), dir.resolve("es"));
        assertThat(ExportMetadata.read(r.model()).bestEpoch()).isEqualTo(t.head().history().bestEpoch());
        assertThat(ExportMetadata.read(r.model()).regularization().earlyStopping().patience()).isEqualTo(1);
    }

    @Test
    void parityCatchesAModelThatIsNotTheHeadsExport() throws Exception {
        Trained t = train(HeadSpec.linear(), RegularizationSpec.none(), 11, true);
        Trained other = train(HeadSpec.linear(), RegularizationSpec.builder().l2(1.0).build(), 11, true);
        ExportResult r = ModelExport.export(request(other), dir.resolve("other"));
        try (TextEncoder enc = TextEncoder.open(r.tokenizer(), 16, true)) {
            ParityReport report = ExportParity.check(r.model(), t.fm(), t.head(), t.valTexts(), enc);
            assertThat(report.passed()).isFalse();
            assertThat(report.output("probabilities").maxAbsError()).isGreaterThan(1e-3);
        }
    }

    @Test
    void keepFeaturesKeepsThePooledOutput() throws Exception {
        Trained t = train(HeadSpec.linear(), RegularizationSpec.none(), 11, true);
        OnnxModel m = ModelExport.build(request(t).withKeepFeatures(true));
        assertThat(m.proto().getGraph().getOutputList()).extracting(o -> o.getName())
                .containsExactly("features", "probabilities", "label");
        assertThat(ModelExport.build(request(t)).proto().getGraph().getOutputList()).extracting(o -> o.getName())
                .containsExactly("probabilities", "label");
    }

    @Test
    void targetThatIsAFileIsRefusedAndNothingIsWritten() throws Exception {
        Trained t = train(HeadSpec.linear(), RegularizationSpec.none(), 11, true);
        Path parent = Files.createDirectories(dir.resolve("out"));
        Path target = Files.writeString(parent.resolve("export"), "not a folder");
        assertThatThrownBy(() -> ModelExport.export(request(t), target))
                .isInstanceOf(ExportException.class)
                .hasMessageContaining(target.toAbsolutePath().toString())
                .hasMessageContaining("is not a folder");
        assertThat(Files.readString(target)).isEqualTo("not a folder");
        assertThat(names(parent)).containsExactly("export");
    }

    @Test
    void failureHalfwayKeepsThePreviousExportAndLeavesNoStaging() throws Exception {
        Trained t = train(HeadSpec.mlp(HeadActivation.RELU, 8), RegularizationSpec.none(), 11, true);
        Path parent = Files.createDirectories(dir.resolve("out"));
        Path target = parent.resolve("export");
        ModelExport.export(request(t), target);
        byte[] before = Files.readAllBytes(target.resolve("model.onnx"));

        // the model is staged, then copying the tokenizer fails: the old export must survive intact
        Path gone = dir.resolve("gone/tokenizer.json");
        ExportRequest broken = ExportRequest.text(t.fm(), t.head(), TinyTextTask.CLASSES, gone, 16, true, TinyTextTask.DATA_SHA);
        assertThatThrownBy(() -> ModelExport.export(broken, target))
                .isInstanceOf(ExportException.class)
                .hasMessageContaining(gone.toString())
                .hasMessageContaining("tokenizer.json");
        assertThat(names(parent)).containsExactly("export");
        assertThat(names(target)).containsExactlyInAnyOrder("model.onnx", "tokenizer.json");
        assertThat(Files.readAllBytes(target.resolve("model.onnx"))).isEqualTo(before);

        // and with no previous export, nothing appears at all
        Path fresh = parent.resolve("fresh");
        assertThatThrownBy(() -> ModelExport.export(broken, fresh)).isInstanceOf(ExportException.class);
        assertThat(names(parent)).containsExactly("export");
    }

    @Test
    void exportReplacesAnExistingExportFolder() throws Exception {
        Trained t = train(HeadSpec.linear(), RegularizationSpec.none(), 11, true);
        Path target = dir.resolve("out/export");
        Files.createDirectories(target);
        Files.writeString(target.resolve("stale.txt"), "old");
        ModelExport.export(request(t), target);
        assertThat(names(target)).containsExactlyInAnyOrder("model.onnx", "tokenizer.json");
        assertThat(names(target.getParent())).containsExactly("export");
    }

    @Test
    void missingOrMalformedMetadataIsNamed() throws Exception {
        Trained t = train(HeadSpec.linear(), RegularizationSpec.none(), 11, true);
        OnnxModel m = ModelExport.build(request(t));
        OnnxModel noClasses = without(m, ExportMetadata.KEY_CLASSES);
        assertThatThrownBy(() -> ModelExport.readClasses(noClasses))
                .isInstanceOf(ExportException.class)
                .hasMessageContaining("no key 'regula.classes'");
        assertThatThrownBy(() -> ExportMetadata.read(without(m, ExportMetadata.KEY_BEST_EPOCH)))
                .isInstanceOf(ExportException.class)
                .hasMessageContaining("no key 'regula.best_epoch'");
        OnnxModel badSpec = m.withMetadata(java.util.Map.of(ExportMetadata.KEY_HEAD_SPEC, "{\"kind\": \"forest\"}"));
        assertThatThrownBy(() -> ExportMetadata.read(badSpec))
                .isInstanceOf(ExportException.class)
                .hasMessageContaining("'regula.head.spec'")
                .hasMessageContaining("forest")
                .hasMessageContaining("expected a head spec as JSON");
        OnnxModel badClasses = m.withMetadata(java.util.Map.of(ExportMetadata.KEY_CLASSES, "alpha,beta"));
        assertThatThrownBy(() -> ModelExport.readClasses(badClasses))
                .isInstanceOf(ExportException.class)
                .hasMessageContaining("expected a JSON array of class names");
    }

    @Test
    void requestsThatCannotFitAreRefused() throws Exception {
        Trained t = train(HeadSpec.linear(), RegularizationSpec.none(), 11, true);
        assertThatThrownBy(() -> ExportRequest.text(t.fm(), t.head(), List.of("a", "b"), t.tokenizer(), 16, true,
                TinyTextTask.DATA_SHA)).hasMessageContaining("the head has 3 outputs, got 2 class names");
        assertThatThrownBy(() -> ExportRequest.text(t.fm(), t.head(), List.of("a", "b", "a"), t.tokenizer(), 16, true,
                TinyTextTask.DATA_SHA)).hasMessageContaining("distinct");
        assertThatThrownBy(() -> ExportRequest.text(t.fm(), t.head(), TinyTextTask.CLASSES, t.tokenizer(), 16, true, "xyz"))
                .hasMessageContaining("dataSha256");
    }

    private static OnnxModel without(OnnxModel m, String key) {
        ModelProto.Builder b = m.proto().toBuilder().clearMetadataProps();
        for (StringStringEntryProto e : m.proto().getMetadataPropsList()) {
            if (!e.getKey().equals(key)) {
                b.addMetadataProps(e);
            }
        }
        return OnnxModel.of(b.build());
    }

    private static List<String> names(Path folder) throws Exception {
        try (var s = Files.list(folder)) {
            return new ArrayList<>(s.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }
}
