package dev.regula.models.runtime;

import dev.regula.models.Json;

import java.util.List;
import java.util.Objects;

/**
 * How closely one output of a candidate run matches the reference run.
 *
 * @param name        output name
 * @param shape       the output's shape (equal in both runs)
 * @param elements    number of elements compared
 * @param maxAbsError max over elements of {@code |candidate - reference|}; NaN when either run has a
 *                    NaN in this output, +Infinity when one has an infinity the other lacks
 * @param maxRelError max over elements of {@code |candidate - reference| / max(|reference|, }{@link Parity#REL_EPSILON}{@code )};
 *                    informative only, the pass rule is {@link Parity}'s allclose rule
 * @param mismatches  number of elements outside the tolerance
 */
public record OutputParity(String name, List<Long> shape, long elements, double maxAbsError, double maxRelError,
                           long mismatches) {

    public OutputParity {
        Objects.requireNonNull(name, "name");
        shape = List.copyOf(shape);
        if (elements < 0 || mismatches < 0 || mismatches > elements) {
            throw new IllegalArgumentException("OutputParity '" + name + "': need 0 <= mismatches <= elements, got "
                    + mismatches + " of " + elements);
        }
    }

    /** Whether every element is within tolerance. */
    public boolean passed() {
        return mismatches == 0;
    }

    String toJson() {
        StringBuilder b = new StringBuilder("{\"name\":").append(Json.quote(name)).append(",\"shape\":[");
        for (int i = 0; i < shape.size(); i++) {
            b.append(i == 0 ? "" : ",").append(shape.get(i));
        }
        return b.append("],\"elements\":").append(elements)
                .append(",\"maxAbsError\":").append(Json.number(maxAbsError))
                .append(",\"maxRelError\":").append(Json.number(maxRelError))
                .append(",\"mismatches\":").append(mismatches)
                .append(",\"passed\":").append(passed()).append('}').toString();
    }
}
