package dev.regula.pipeline.spec;

import java.util.Collection;
import java.util.Optional;

/** Edit distance, to suggest the valid key a misspelt one was meant to be. */
final class Levenshtein {
    private Levenshtein() {
    }

    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
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
}
