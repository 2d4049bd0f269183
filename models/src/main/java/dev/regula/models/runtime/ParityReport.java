package dev.regula.models.runtime;

import dev.regula.models.Json;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of {@link Parity#compare}: one entry per reference output, and the argmax agreement
 * when an output was designated for it.
 *
 * @param atol    absolute tolerance used
 * @param rtol    relative tolerance used
 * @param outputs per output, in the reference run's order
 * @param argmax  argmax agreement, or {@code null} when none was asked for
 */
public record ParityReport(double atol, double rtol, List<OutputParity> outputs, ArgmaxAgreement argmax) {

    public ParityReport {
        outputs = List.copyOf(outputs);
    }

    /** True iff every output is within tolerance and, when checked, every row's argmax agrees. */
    public boolean passed() {
        return outputs.stream().allMatch(OutputParity::passed) && (argmax == null || argmax.passed());
    }

    public Optional<ArgmaxAgreement> argmaxAgreement() {
        return Optional.ofNullable(argmax);
    }

    /** The entry for output {@code name}. */
    public OutputParity output(String name) {
        Objects.requireNonNull(name, "name");
        return outputs.stream().filter(o -> o.name().equals(name)).findFirst().orElseThrow(() ->
                new IllegalArgumentException("No output '" + name + "' in this report, expected one of "
                        + outputs.stream().map(OutputParity::name).toList()));
    }

    /**
     * This report as one JSON object:
     * {@code {"passed":..,"atol":..,"rtol":..,"relativeErrorEpsilon":..,"outputs":[{"name","shape","elements",
     * "maxAbsError","maxRelError","mismatches","passed"}..],"argmax":{"output","rows","agreeing","fraction","passed"}|null}}.
     * Non-finite numbers (a NaN or infinite error) are written as JSON {@code null}.
     */
    public String toJson() {
        StringBuilder b = new StringBuilder("{\"passed\":").append(passed())
                .append(",\"atol\":").append(Json.number(atol))
                .append(",\"rtol\":").append(Json.number(rtol))
                .append(",\"relativeErrorEpsilon\":").append(Json.number(Parity.REL_EPSILON))
                .append(",\"outputs\":[");
        for (int i = 0; i < outputs.size(); i++) {
            b.append(i == 0 ? "" : ",").append(outputs.get(i).toJson());
        }
        return b.append("],\"argmax\":").append(argmax == null ? "null" : argmax.toJson()).append('}').toString();
    }
}
