package dev.regula.pipeline.stage.validate;

import dev.regula.pipeline.Problem;
import dev.regula.pipeline.RegulaException;
import java.util.List;
import java.util.Map;

/**
 * One or more validation gates failed. Carries the failed gates and every figure measured, so a
 * front end can show them; the CLI exits 1 and the Maven plugin fails the build.
 */
public class GateFailedException extends RegulaException {
    /** The spec key path of the gates, named by every gate failure. */
    public static final String KEY = "validate.gates";

    private final transient List<String> failures;
    private final transient Map<String, Object> figures;

    public GateFailedException(List<String> failures, Map<String, Object> figures) {
        super(Problem.atKey(KEY, "validation gate" + (failures.size() > 1 ? "s" : "") + " failed: " + String.join("; ", failures))
                .withExpected(side(failures, 1), side(failures, 0)));
        this.failures = List.copyOf(failures);
        this.figures = Map.copyOf(figures);
    }

    /**
     * One side of each failure line ({@code accuracy 0.71 < min_accuracy 0.9}): 0 the figure found,
     * 1 the gate it missed; joined by "; ".
     */
    private static String side(List<String> failures, int i) {
        List<String> parts = new java.util.ArrayList<>();
        for (String f : failures) {
            String[] two = f.split(" [<>] ", 2);
            parts.add(two.length == 2 ? two[i] : f);
        }
        return String.join("; ", parts);
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
