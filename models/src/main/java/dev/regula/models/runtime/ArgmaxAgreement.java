package dev.regula.models.runtime;

import dev.regula.models.Json;

import java.util.Objects;

/**
 * Row-wise argmax agreement on a {@code [B, C]} output such as class probabilities: how many of the
 * {@code B} rows pick the same class in both runs. Ties go to the lowest index; NaN never wins.
 *
 * @param output   the output checked
 * @param rows     rows compared
 * @param agreeing rows whose argmax is equal in both runs
 */
public record ArgmaxAgreement(String output, long rows, long agreeing) {

    public ArgmaxAgreement {
        Objects.requireNonNull(output, "output");
        if (rows < 0 || agreeing < 0 || agreeing > rows) {
            throw new IllegalArgumentException("ArgmaxAgreement '" + output + "': need 0 <= agreeing <= rows, got "
                    + agreeing + " of " + rows);
        }
    }

    /** {@code agreeing / rows}; 1.0 for zero rows, where nothing disagrees. */
    public double fraction() {
        return rows == 0 ? 1.0 : (double) agreeing / rows;
    }

    /** Whether every row agrees. */
    public boolean passed() {
        return agreeing == rows;
    }

    String toJson() {
        return "{\"output\":" + Json.quote(output) + ",\"rows\":" + rows + ",\"agreeing\":" + agreeing
                + ",\"fraction\":" + Json.number(fraction()) + ",\"passed\":" + passed() + "}";
    }
}
