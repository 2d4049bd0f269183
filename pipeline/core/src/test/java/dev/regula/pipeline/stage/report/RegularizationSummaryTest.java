package dev.regula.pipeline.stage.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.regula.pipeline.run.Json;
import org.junit.jupiter.api.Test;

class RegularizationSummaryTest {
    private static JsonNode json(String s) throws Exception {
        return Json.MAPPER.readTree(s);
    }

    @Test
    void showsOnlyWhatIsSwitchedOnInTheSpecsWords() throws Exception {
        JsonNode mlp = json("""
                {"class_weights": null, "dropout": {"input_rate": 0.1, "kind": "standard", "rate": 0.3, "prune_threshold": 3.0},
                 "early_stopping": {"metric": "val_loss", "min_delta": 0.0, "patience": 4}, "elastic_net": null,
                 "include_bias": false, "l1": 0.0, "l2": 0.0, "l2_sp": null, "label_smoothing": 0.05, "max_norm": null,
                 "weight_decay": 0.01}""");
        assertThat(RegularizationSummary.of(mlp))
                .isEqualTo("dropout standard 0.3 (input 0.1); weight_decay 0.01; label_smoothing 0.05; early stop on val_loss, patience 4");

        JsonNode linear = json("""
                {"class_weights": "balanced", "dropout": {"input_rate": 0.0, "kind": "none", "rate": 0.0},
                 "early_stopping": null, "elastic_net": {"alpha": 1.0E-4, "l1_ratio": 0.5}, "include_bias": true,
                 "l1": 0.0, "l2": 0.0, "l2_sp": {"lambda": 0.01, "model": null}, "label_smoothing": 0.0, "max_norm": 3.0,
                 "weight_decay": 0.0}""");
        assertThat(RegularizationSummary.of(linear)).isEqualTo(
                "elastic_net 1.0E-4 (l1_ratio 0.5); l2_sp 0.01 toward the initial head; max_norm 3; class_weights balanced; "
                        + "biases penalised too");
    }

    @Test
    void adaptiveDropoutAndNothingAtAll() throws Exception {
        assertThat(RegularizationSummary.of(json("""
                {"dropout": {"kind": "concrete", "rate": 0.2, "input_rate": 0.0}, "l2": 1.0E-5}""")))
                .isEqualTo("dropout concrete 0.2, learned; l2 1.0E-5");
        assertThat(RegularizationSummary.of(json("""
                {"dropout": {"kind": "variational", "rate": 0.0, "input_rate": 0.0, "prune_threshold": 3.0}}""")))
                .isEqualTo("dropout variational (prune at log-alpha 3)");
        assertThat(RegularizationSummary.of(json("{\"dropout\": {\"kind\": \"none\"}, \"l1\": 0.0}"))).isEqualTo("none");
    }
}
