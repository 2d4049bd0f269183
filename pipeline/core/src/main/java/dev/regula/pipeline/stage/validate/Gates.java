package dev.regula.pipeline.stage.validate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.regula.pipeline.spec.Sections;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Checks {@code validate.gates} against a validation report. */
public final class Gates {
    private Gates() {
    }

    /** One line per failed gate; empty when all pass (or none is set). */
    public static List<String> failures(Sections.Gates gates, JsonNode report) {
        List<String> failed = new ArrayList<>();
        double accuracy = report.path("accuracy").asDouble(Double.NaN);
        double parity = report.path("parity").path("max_abs_error").asDouble(Double.NaN);
        double gap = report.path("generalization_gap").asDouble(Double.NaN);
        if (gates.minAccuracy() != null && !(accuracy >= gates.minAccuracy())) {
            failed.add(fmt("accuracy %.4f < min_accuracy %s", accuracy, gates.minAccuracy()));
        }
        if (gates.maxParityError() != null && !(parity <= gates.maxParityError())) {
            failed.add(fmt("parity max |error| %.3g > max_parity_error %s", parity, gates.maxParityError()));
        }
        if (gates.maxGeneralizationGap() != null && !(gap <= gates.maxGeneralizationGap())) {
            failed.add(fmt("generalization gap (train - test accuracy) %.4f > max_generalization_gap %s", gap,
                    gates.maxGeneralizationGap()));
        }
        return failed;
    }

    private static String fmt(String f, double v, Double limit) {
        return String.format(Locale.ROOT, f, v, limit);
    }
}
