package dev.regula.pipeline.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.regula.models.runtime.Device;
import dev.regula.pipeline.stage.validate.ValidateStep;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The one request predict and validate (CLI and plugin) map their inputs to. */
class ModelRequestTest {
    @Test
    void aMissingDeviceMeansCpuAndAnUnknownOneIsRefusedByName() {
        assertThat(ModelRequest.of(Path.of("m.onnx"), null).options().device()).isEqualTo(Device.CPU);
        assertThat(ModelRequest.of(Path.of("m.onnx"), "auto").options().device()).isEqualTo(Device.AUTO);
        assertThatThrownBy(() -> ModelRequest.of(Path.of("m.onnx"), "tpu"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tpu");
    }

    @Test
    void validateRequestsCarryTheModelRequestFieldsAndGates() {
        QualityGates gates = new QualityGates(0.9, null, null, null);
        ValidateStep.Request r = ValidateStep.Request.of(Path.of("out"), "cpu", Path.of("test.jsonl"), "body", null, gates);
        assertThat(r.model()).isEqualTo(ModelRequest.of(Path.of("out"), "cpu"));
        assertThat(r.data().textField()).isEqualTo("body");
        assertThat(r.data().labelField()).isEqualTo("label");
        assertThat(r.gates()).isEqualTo(gates);
        assertThat(ValidateStep.Request.of(Path.of("out"), null, Path.of("t.csv"), null, null, null).gates())
                .isEqualTo(QualityGates.NONE);
    }
}
