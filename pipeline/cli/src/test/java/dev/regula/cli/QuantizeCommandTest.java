package dev.regula.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.regula.models.OnnxModel;
import dev.regula.models.onnx.NodeProto;
import dev.regula.pipeline.run.TinyInputs;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code regula quantize} on the tiny generated text backbone. */
class QuantizeCommandTest {
    @Test
    void staticAndDynamicQuantizationWriteABackboneFolderWithProvenance(@TempDir Path dir) throws Exception {
        TinyInputs.write(dir, 21);
        String backbone = dir.resolve("backbone.onnx").toString();
        String tok = dir.resolve("tokenizer.json").toString();
        CliRun s = CliRun.run("quantize", "--backbone", backbone, "--tokenizer", tok, "--data", dir.resolve("data.jsonl").toString(),
                "--calibration", "32", "--method", "percentile", "--out", dir.resolve("q").toString());
        assertThat(s.code()).as(s.err()).isEqualTo(ExitCodes.OK);
        OnnxModel q = OnnxModel.read(dir.resolve("q/model.onnx"));
        assertThat(q.proto().getGraph().getNodeList().stream().map(NodeProto::getOpType)).contains("QuantizeLinear");
        assertThat(q.metadata()).containsEntry("regula.quantize.mode", "static").containsEntry("regula.quantize.calibration_rows", "32")
                .containsEntry("regula.quantize.weights", "per_channel");
        assertThat(dir.resolve("q/tokenizer.json")).hasSameBinaryContentAs(dir.resolve("tokenizer.json"));
        assertThat(s.out()).contains("regula.quantize.calibration_sha256");

        CliRun t = CliRun.run("quantize", "--backbone", backbone, "--tokenizer", tok, "--data", dir.resolve("data.jsonl").toString(),
                "--calibration", "32", "--weights", "per_tensor", "--smooth", "0.5", "--out", dir.resolve("t").toString());
        assertThat(t.code()).as(t.err()).isEqualTo(ExitCodes.OK);
        assertThat(OnnxModel.read(dir.resolve("t/model.onnx")).metadata()).containsEntry("regula.quantize.weights", "per_tensor")
                .containsEntry("regula.quantize.smooth", "0.5");
        CliRun badWeights = CliRun.run("quantize", "--backbone", backbone, "--tokenizer", tok, "--data",
                dir.resolve("data.jsonl").toString(), "--weights", "per_row", "--out", dir.resolve("w").toString());
        assertThat(badWeights.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(badWeights.err()).contains("'per_row'").contains("per_channel or per_tensor");

        CliRun d = CliRun.run("quantize", "--backbone", backbone, "--tokenizer", tok, "--mode", "dynamic",
                "--out", dir.resolve("d").toString());
        assertThat(d.code()).as(d.err()).isEqualTo(ExitCodes.OK);
        assertThat(OnnxModel.read(dir.resolve("d/model.onnx")).quantizesDynamically()).isTrue();

        CliRun bad = CliRun.run("quantize", "--backbone", backbone, "--mode", "statik", "--out", dir.resolve("b").toString());
        assertThat(bad.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(bad.err()).contains("statik").contains("did you mean 'static'");
        CliRun noData = CliRun.run("quantize", "--backbone", backbone, "--tokenizer", tok, "--out", dir.resolve("n").toString());
        assertThat(noData.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(noData.err()).contains("needs --data");
    }
}
