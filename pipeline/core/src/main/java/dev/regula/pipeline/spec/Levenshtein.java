package dev.regula.pipeline.spec;

import java.util.Collection;
import java.util.Optional;

/** Edit distance, to suggest the valid key a misspelt one was meant to be. */
final class Levenshtein {
    private Levenshtein() {
    }

    static int distance(String a, String b) {
        return dev.regula.models.EditDistance.between(a, b);
    }

    /**
     * The candidate the key abbreviates, or else the closest one when it is close enough to be a
     * plausible typo (ties: first in order).
     */
    static Optional<String> closest(String key, Collection<String> candidates) {
        String lower = key.toLowerCase(java.util.Locale.ROOT);
        for (String c : candidates) {
            if (lower.length() >= 3 && c.startsWith(lower)) {
                return Optional.of(c); // an abbreviation, e.g. min_acc for min_accuracy
            }
        }
        String best = null;
        int bestD = Integer.MAX_VALUE;
        for (String c : candidates) {
            int d = distance(key.toLowerCase(java.util.Locale.ROOT), c);
            if (d < bestD) {
                bestD = d;
                best = c;
            }
        }
        return best != null && bestD <= Math.max(2, key.length() / 3) ? Optional.of(best) : Optional.empty();
    }

    /**
     * What an "unknown key" error adds after its key path, the same for every key of a spec:
     * {@code did you mean 'training'?}, or {@code valid keys here: [a, b]} when none is close.
     */
    static String unknownKey(String key, Collection<String> valid) {
        return "unknown key, " + closest(key, valid).map(k -> "did you mean '" + k + "'?")
                .orElse("valid keys here: " + valid);
    }
}
