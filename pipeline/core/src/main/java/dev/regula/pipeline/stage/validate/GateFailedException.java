package dev.regula.pipeline.stage.validate;

import dev.regula.pipeline.RegulaException;
import java.util.List;
import java.util.Map;

/**
 * One or more validation gates failed. Carries the failed gates and every figure measured, so a
 * front end can show them; the CLI exits 1 and the Maven plugin fails the build.
 */
public class GateFailedException extends RegulaException {
    private final transient List<String> failures;
    private final transient Map<String, Object> figures;

    public GateFailedException(List<String> failures, Map<String, Object> figures) {
        super("validation gate" + (failures.size() > 1 ? "s" : "") + " failed: " + String.join("; ", failures));
        this.failures = List.copyOf(failures);
        this.figures = Map.copyOf(figures);
    }

    /** One line per failed gate, e.g. {@code accuracy 0.71 < min_accuracy 0.9}. */
    public List<String> failures() {
        return failures;
    }

    /** The measured figures (accuracy, macro_f1, parity error, ...). */
    public Map<String, Object> figures() {
        return figures;
    }
}
