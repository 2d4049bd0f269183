package dev.regula.pipeline.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.regula.models.OnnxModel;
import dev.regula.models.onnx.NodeProto;
import dev.regula.pipeline.spec.SpecException;
import dev.regula.pipeline.stage.Pipeline;
import dev.regula.pipeline.spec.SpecReader;
import dev.regula.transfer.data.DatasetFormat;
import dev.regula.transfer.data.DatasetReader;
import dev.regula.transfer.data.DatasetSpec;
import dev.regula.transfer.data.Example;
import dev.regula.transfer.data.SplitFractions;
import dev.regula.transfer.data.SplitSpec;
import dev.regula.transfer.data.Splits;
import dev.regula.transfer.data.Splitter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code backbone.quantize} through the whole pipeline on the tiny text backbone. */
class QuantizedPipelineTest {
    private static final String QUANTIZE = "  max_length: 16\n  quantize: {mode: static, calibration: 1000, method: percentile, percentile: 99.9}\n";

    @Test
    void aStaticallyQuantizedBackboneRunsThroughExportAndValidateAndCalibratesOnTrainRowsOnly(@TempDir Path dir)
            throws Exception {
        TinyPipeline.writeInputs(dir, 11);
        Path spec = TinyPipeline.writeSpec(dir, TinyPipeline.spec().replace("  max_length: 16\n", QUANTIZE));
        RunResult r = Pipeline.run(new RunRequest(spec, dir.resolve("work"), null, false, s -> { }));
        Path featureModel = r.work().resolve("import/feature-model.onnx");
        OnnxModel fm = OnnxModel.read(featureModel);
        assertThat(fm.proto().getGraph().getNodeList().stream().map(NodeProto::getOpType)).contains("QuantizeLinear");
        assertThat(fm.metadata()).containsEntry("regula.quantize.mode", "static")
                .containsEntry("regula.quantize.method", "percentile:99.9").containsKey("regula.quantize.calibration_sha256")
                .containsEntry("regula.quantize.weights", "per_channel").doesNotContainKey("regula.quantize.smooth");
        int trainRows = Integer.parseInt(fm.metadata().get("regula.quantize.calibration_rows"));
        Splits splits = split(dir.resolve("data.jsonl"));
        assertThat(trainRows).isEqualTo(splits.train().size());
        // the export carries the quantized backbone, and validate's parity gate (1e-3) passed against it
        assertThat(OnnxModel.read(r.model()).proto().getGraph().getNodeList().stream().map(NodeProto::getOpType))
                .contains("QuantizeLinear");

        // every val and test text changed: the quantized model's bytes do not move
        Path other = Files.createDirectories(dir.resolve("other"));
        TinyPipeline.writeInputs(other, 11);
        rewrite(other.resolve("data.jsonl"), lines(splits.val(), splits.test()));
        Path otherSpec = TinyPipeline.writeSpec(other, TinyPipeline.spec().replace("  max_length: 16\n", QUANTIZE));
        RunResult r2 = Pipeline.run(new RunRequest(otherSpec, other.resolve("work"), null, false, s -> { }));
        // (the graph, weights and scales; the metadata also names the input folder, which differs here)
        OnnxModel fm2 = OnnxModel.read(r2.work().resolve("import/feature-model.onnx"));
        assertThat(fm2.proto().getGraph().toByteArray()).isEqualTo(fm.proto().getGraph().toByteArray());
        assertThat(fm2.metadata().get("regula.quantize.calibration_sha256"))
                .isEqualTo(fm.metadata().get("regula.quantize.calibration_sha256"));

        // every train text changed: they do (the check above can fail)
        Path third = Files.createDirectories(dir.resolve("third"));
        TinyPipeline.writeInputs(third, 11);
        rewrite(third.resolve("data.jsonl"), lines(splits.train()));
        Path thirdSpec = TinyPipeline.writeSpec(third, TinyPipeline.spec().replace("  max_length: 16\n", QUANTIZE));
        RunResult r3 = Pipeline.run(new RunRequest(thirdSpec, third.resolve("work"), null, false, s -> { }));
        assertThat(OnnxModel.read(r3.work().resolve("import/feature-model.onnx")).proto().getGraph().toByteArray())
                .isNotEqualTo(fm.proto().getGraph().toByteArray());
    }

    @Test
    void badQuantizeKeysAndValuesAreNamed(@TempDir Path dir) throws Exception {
        TinyPipeline.writeInputs(dir, 11);
        assertThatThrownBy(() -> SpecReader.read(TinyPipeline.writeSpec(dir, TinyPipeline.spec()
                .replace("  max_length: 16\n", "  max_length: 16\n  quantize: {mode: statc}\n"))))
                .isInstanceOf(SpecException.class)
                .hasMessageContaining("backbone.quantize.mode").hasMessageContaining("did you mean 'static'");
        assertThatThrownBy(() -> SpecReader.read(TinyPipeline.writeSpec(dir, TinyPipeline.spec()
                .replace("  max_length: 16\n", "  max_length: 16\n  quantize: {method: minmx}\n"))))
                .hasMessageContaining("backbone.quantize.method").hasMessageContaining("did you mean 'minmax'");
        assertThatThrownBy(() -> SpecReader.read(TinyPipeline.writeSpec(dir, TinyPipeline.spec()
                .replace("  max_length: 16\n", "  max_length: 16\n  quantize: {calibrations: 8}\n"))))
                .hasMessageContaining("backbone.quantize.calibrations: unknown key, did you mean 'calibration'?");
        assertThatThrownBy(() -> SpecReader.read(TinyPipeline.writeSpec(dir, TinyPipeline.spec()
                .replace("  max_length: 16\n", "  max_length: 16\n  quantize: {calibration: 0}\n"))))
                .hasMessageContaining("backbone.quantize.calibration");
        assertThat(SpecReader.read(TinyPipeline.writeSpec(dir, TinyPipeline.spec()
                .replace("  max_length: 16\n", "  max_length: 16\n  quantize: {mode: dynamic}\n"))).backbone().quantize().mode())
                .isEqualTo(dev.regula.transfer.quantize.QuantizeSpec.Mode.DYNAMIC);
        assertThat(SpecReader.read(TinyPipeline.writeSpec(dir, TinyPipeline.spec())).backbone().quantize()).isNull();
        assertThatThrownBy(() -> SpecReader.read(TinyPipeline.writeSpec(dir, TinyPipeline.spec()
                .replace("  max_length: 16\n", "  max_length: 16\n  quantize: {weights: per_row}\n"))))
                .hasMessageContaining("backbone.quantize.weights").hasMessageContaining("per_channel or per_tensor");
        assertThatThrownBy(() -> SpecReader.read(TinyPipeline.writeSpec(dir, TinyPipeline.spec()
                .replace("  max_length: 16\n", "  max_length: 16\n  quantize: {smooth: 1.5}\n"))))
                .hasMessageContaining("backbone.quantize.smooth");
        var q = SpecReader.read(TinyPipeline.writeSpec(dir, TinyPipeline.spec().replace("  max_length: 16\n",
                "  max_length: 16\n  quantize: {weights: per_tensor, smooth: 0.5}\n"))).backbone().quantize();
        assertThat(q.weights()).isEqualTo(dev.regula.transfer.quantize.QuantizeSpec.Weights.PER_TENSOR);
        assertThat(q.smooth()).isEqualTo(0.5);
    }

    /** The tiny spec's split: stratified 0.6/0.2/0.2, seed 7. */
    private static Splits split(Path data) throws Exception {
        return Splitter.split(DatasetReader.read(DatasetSpec.of(data, DatasetFormat.JSONL)),
                SplitSpec.stratified(new SplitFractions(0.6, 0.2, 0.2), 7));
    }

    @SafeVarargs
    private static Set<Integer> lines(List<Example>... splits) {
        Set<Integer> out = new HashSet<>();
        for (List<Example> s : splits) {
            for (Example e : s) {
                out.add(Integer.parseInt(e.source().substring(e.source().lastIndexOf(':') + 1)));
            }
        }
        return out;
    }

    /** Replaces the text of the given 1-based lines with one repeated word, keeping the labels. */
    private static void rewrite(Path data, Set<Integer> lineNos) throws Exception {
        List<String> lines = Files.readAllLines(data);
        for (int i = 0; i < lines.size(); i++) {
            if (lineNos.contains(i + 1)) {
                lines.set(i, lines.get(i).replaceFirst("\"text\": \"[^\"]*\"", "\"text\": \"w9 w9 w9 w9 w9 w9 w9 w9 w9 w9\""));
            }
        }
        Files.write(data, lines);
    }
}
