package dev.regula.transfer.regularize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

/** YAML keys map 1:1 to the spec's components, and bad values name their key. */
class RegularizationSpecYamlTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @Test
    void readsEveryKey() throws Exception {
        String yaml = """
                dropout: {kind: concrete, rate: 0.2, input_rate: 0.1, temperature: 0.2, weight_reg: 1.0e-5, dropout_reg: 1.0e-4}
                l1: 0.001
                l2: 0.01
                elastic_net: {alpha: 0.1, l1_ratio: 0.5}
                include_bias: true
                weight_decay: 0.05
                l2_sp: {lambda: 0.3, model: backbone.onnx, initializers: [head.W], transposed: true}
                max_norm: 3.0
                label_smoothing: 0.1
                class_weights: balanced
                early_stopping: {metric: val_macro_f1, patience: 4, min_delta: 0.001}
                """;
        RegularizationSpec spec = YAML.readValue(yaml, RegularizationSpec.class);
        assertThat(spec.dropout().kind()).isEqualTo(DropoutSpec.Kind.CONCRETE);
        assertThat(spec.dropout().temperature()).isEqualTo(0.2);
        assertThat(spec.dropout().pruneThreshold()).isEqualTo(3.0);
        assertThat(spec.elasticNet()).isEqualTo(new RegularizationSpec.ElasticNet(0.1, 0.5));
        assertThat(spec.l2Sp()).isEqualTo(new L2SpSpec(0.3, "backbone.onnx", List.of("head.W"), true));
        assertThat(spec.classWeights().balanced()).isTrue();
        assertThat(spec.earlyStopping().metric()).isEqualTo(EarlyStoppingSpec.Metric.VAL_MACRO_F1);
        assertThat(spec.includeBias()).isTrue();
        assertThat(YAML.readValue(YAML.writeValueAsString(spec), RegularizationSpec.class)).isEqualTo(spec);
        assertThat(YAML.readValue("class_weights: [1, 2.5]", RegularizationSpec.class).classWeights().weights())
                .containsExactly(1.0, 2.5);
    }

    @Test
    void badValuesNameTheirKey() {
        assertThatThrownBy(() -> YAML.readValue("dropout: {kind: standard, rate: 1.0}", RegularizationSpec.class))
                .hasMessageContaining("dropout.rate must be in [0, 1), got 1.0");
        assertThatThrownBy(() -> YAML.readValue("dropout: {kind: alpha}", RegularizationSpec.class))
                .hasMessageContaining("dropout.kind: unknown value 'alpha'");
        assertThatThrownBy(() -> YAML.readValue("early_stopping: {metric: val_auc, patience: 2}", RegularizationSpec.class))
                .hasMessageContaining("early_stopping.metric: unknown value 'val_auc'");
        assertThatThrownBy(() -> YAML.readValue("label_smoothing: 1.5", RegularizationSpec.class))
                .hasMessageContaining("label_smoothing must be in [0, 1), got 1.5");
    }
}
