package dev.regula.transfer.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.regula.models.Checker;
import dev.regula.models.ElemType;
import dev.regula.models.OnnxModel;
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
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Export of a tiny text backbone + trained heads: one checked model with outputs exactly
 * {@code probabilities}/{@code label}, ONNX Runtime on raw tokens matching the DJL reference, the
 * feature model's metadata carried along. Folder writing and provenance are the pipeline's export
 * stage's, tested there.
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

    /** The head's export written as {@code folder/model.onnx}, the way the pipeline's export stage writes it. */
    Path export(Trained t, Path folder) throws Exception {
        Path model = Files.createDirectories(folder).resolve(ModelExport.MODEL_FILE);
        ModelExport.withHead(t.fm(), t.head(), false).write(model);
        return model;
    }

    @ParameterizedTest(name = "{0} at opset {2}")
    @MethodSource("heads")
    void exportRunsOnOrtAndMatchesTheDjlReference(HeadSpec spec, RegularizationSpec reg, int opset) throws Exception {
        Trained t = train(spec, reg, opset, true);
        Path file = export(t, dir.resolve("export"));

        OnnxModel model = OnnxModel.read(file);
        Checker.check(model);
        assertThat(model.proto().getOpsetImport(0).getVersion()).isEqualTo(opset);

        try (OrtRunner runner = OrtRunner.open(file, RunnerOptions.defaults())) {
            assertThat(runner.inputs()).extracting(TensorSpec::name).containsExactly("input_ids", "attention_mask");
            assertThat(runner.outputs()).extracting(TensorSpec::name).containsExactly(ModelExport.PROBABILITIES, ModelExport.LABEL);
            assertThat(runner.outputs()).extracting(TensorSpec::type).containsExactly(ElemType.FLOAT, ElemType.INT64);
            assertThat(runner.outputs().get(0).shape()).hasSize(2).last().isEqualTo(3L);
            assertThat(runner.outputs().get(1).shape()).hasSize(1);
        }

        try (TextEncoder enc = TextEncoder.open(t.tokenizer(), 16, true)) {
            ParityReport report = ExportParity.check(file, t.fm(), t.head(), t.valTexts(), enc);
            assertThat(report.passed()).as(report.toJson()).isTrue();
            assertThat(report.output("probabilities").maxAbsError()).isLessThanOrEqualTo(1e-5);
            assertThat(report.output("probabilities").shape()).containsExactly((long) VAL, 3L);
            assertThat(report.output("label").mismatches()).isZero();
            assertThat(report.argmaxAgreement().orElseThrow().fraction()).isEqualTo(1.0);
        }

        // the feature model's own keys travel along; the pipeline adds the provenance
        assertThat(model.metadata()).containsEntry(FeatureModel.KEY_POOLING, "mean")
                .containsEntry(FeatureModel.KEY_DIM, Integer.toString(TinyTextTask.D))
                .containsEntry(FeatureModel.KEY_BACKBONE_SOURCE, "tiny-test");
    }

    @Test
    void parityCatchesAModelThatIsNotTheHeadsExport() throws Exception {
        Trained t = train(HeadSpec.linear(), RegularizationSpec.none(), 11, true);
        Trained other = train(HeadSpec.linear(), RegularizationSpec.builder().l2(1.0).build(), 11, true);
        Path file = export(other, dir.resolve("other"));
        try (TextEncoder enc = TextEncoder.open(other.tokenizer(), 16, true)) {
            ParityReport report = ExportParity.check(file, t.fm(), t.head(), t.valTexts(), enc);
            assertThat(report.passed()).isFalse();
            assertThat(report.output("probabilities").maxAbsError()).isGreaterThan(1e-3);
        }
    }

    @Test
    void keepFeaturesKeepsThePooledOutput() throws Exception {
        Trained t = train(HeadSpec.linear(), RegularizationSpec.none(), 11, true);
        OnnxModel m = ModelExport.withHead(t.fm(), t.head(), true);
        assertThat(m.proto().getGraph().getOutputList()).extracting(o -> o.getName())
                .containsExactly("features", "probabilities", "label");
        assertThat(ModelExport.withHead(t.fm(), t.head(), false).proto().getGraph().getOutputList()).extracting(o -> o.getName())
                .containsExactly("probabilities", "label");
    }
}
