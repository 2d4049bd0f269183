package dev.regula.transfer.tune;

import dev.regula.models.Hashing;
import dev.regula.transfer.regularize.RegularizationSpec;
import dev.regula.transfer.train.TrainingSpec;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One point of the search: a value per knob, in the space's declared order.
 *
 * @param params knob → value; a null value (only in a baseline) leaves the head's setting as configured,
 *     e.g. an absent max_norm
 * @param seed the tune seed; part of the id, so a different seed never resumes from another's trials
 * @param baseline whether this is the user's own configuration, evaluated beside the search for verdicts
 */
public record TrialConfig(Map<Knob, Double> params, long seed, boolean baseline) {
    public TrialConfig {
        Objects.requireNonNull(params, "params");
        params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
        params.forEach((k, v) -> {
            if (v != null) {
                k.check(v);
            } else if (!baseline) {
                throw new IllegalArgumentException(k.path() + ": a searched value must be a number, got null");
            }
        });
    }

    /**
     * A stable id: the first 12 hex digits of SHA-256 over the knob paths and values (Java's shortest
     * round-trip decimal), the seed and the baseline flag. Equal configurations always get equal ids,
     * whatever order they were generated in, which is what resume and result ordering key on.
     */
    public String id() {
        StringBuilder s = new StringBuilder();
        params.forEach((k, v) -> s.append(k.path()).append('=').append(v == null ? "unset" : Double.toString(v)).append(';'));
        s.append("seed=").append(seed);
        if (baseline) {
            s.append(";baseline");
        }
        return (baseline ? "b-" : "t-") + Hashing.sha256(s.toString().getBytes(StandardCharsets.UTF_8)).substring(0, 12);
    }

    /** The value of {@code k}, or null. */
    public Double value(Knob k) {
        return params.get(k);
    }

    /** {@code base} with this trial's regularization knobs applied. */
    public RegularizationSpec apply(RegularizationSpec base) {
        RegularizationSpec r = base;
        for (Map.Entry<Knob, Double> e : params.entrySet()) {
            if (e.getValue() != null) {
                r = e.getKey().apply(r, e.getValue());
            }
        }
        return r;
    }

    /** {@code base} with this trial's training knobs applied. */
    public TrainingSpec apply(TrainingSpec base) {
        TrainingSpec t = base;
        for (Map.Entry<Knob, Double> e : params.entrySet()) {
            if (e.getValue() != null) {
                t = e.getKey().apply(t, e.getValue());
            }
        }
        return t;
    }
}
