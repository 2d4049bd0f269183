package dev.regula.transfer.lexical;

import java.util.Objects;

/**
 * One text's token ids and attention mask as the lexical branch sees them. A position with mask 0
 * (padding) is no token: no n-gram includes it or spans it, exactly as in the exported graph.
 */
public record TokenWindow(long[] ids, long[] mask) {
    public TokenWindow {
        Objects.requireNonNull(ids, "ids");
        Objects.requireNonNull(mask, "mask");
        if (ids.length != mask.length) {
            throw new IllegalArgumentException("ids has " + ids.length + " positions but mask has " + mask.length
                    + "; expected the same length");
        }
    }

    /** All positions are tokens (no padding). */
    public static TokenWindow unpadded(long[] ids) {
        long[] mask = new long[ids.length];
        java.util.Arrays.fill(mask, 1);
        return new TokenWindow(ids, mask);
    }

    /** Calls {@code sink} with every n-gram of length 1..maxN made only of unmasked positions. */
    void forEachNgram(int maxN, java.util.function.Consumer<Ngram> sink) {
        for (int i = 0; i < ids.length; i++) {
            for (int n = 1; n <= maxN && i + n <= ids.length; n++) {
                if (mask[i + n - 1] == 0) {
                    break;
                }
                long[] g = new long[n];
                System.arraycopy(ids, i, g, 0, n);
                sink.accept(new Ngram(g));
            }
        }
    }
}
