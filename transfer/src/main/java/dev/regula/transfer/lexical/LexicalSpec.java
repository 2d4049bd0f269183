package dev.regula.transfer.lexical;

/**
 * How the lexical (TF-IDF over token-id n-grams) block is fitted. Keys map 1:1 to the spec's
 * {@code lexical} section.
 *
 * @param ngramMax n-grams of lengths 1..ngramMax are counted (default 2)
 * @param maxFeatures keep at most this many n-grams, the most frequent in the train split
 *     (total count, ties by document frequency, then by length and ids); 0 keeps all
 * @param minDf drop n-grams found in fewer than this many train documents (an absolute count, >= 1)
 * @param maxDf drop n-grams found in more than this fraction of train documents (0 < maxDf <= 1)
 * @param sublinearTf use {@code log(1 + tf)} in place of the raw count
 * @param maxLength tokens per text the lexical branch sees (may exceed the backbone's max_length)
 */
public record LexicalSpec(int ngramMax, int maxFeatures, int minDf, double maxDf, boolean sublinearTf, int maxLength) {
    public static final int DEFAULT_NGRAM_MAX = 2;
    public static final int DEFAULT_MAX_FEATURES = 20_000;
    public static final int DEFAULT_MAX_LENGTH = 512;

    public LexicalSpec {
        if (ngramMax < 1 || ngramMax > 5) {
            throw new IllegalArgumentException("lexical.ngram_max must be 1..5, got " + ngramMax);
        }
        if (maxFeatures < 0) {
            throw new IllegalArgumentException("lexical.max_features must be >= 0 (0 keeps all), got " + maxFeatures);
        }
        if (minDf < 1) {
            throw new IllegalArgumentException("lexical.min_df must be >= 1 (a document count), got " + minDf);
        }
        if (!(maxDf > 0 && maxDf <= 1)) {
            throw new IllegalArgumentException("lexical.max_df must be a fraction in (0, 1], got " + maxDf);
        }
        if (maxLength < 2) {
            throw new IllegalArgumentException("lexical.max_length must be >= 2, got " + maxLength);
        }
    }

    /** Bigrams, 20,000 features, min_df 1, max_df 1.0, sublinear TF, 512 tokens. */
    public static LexicalSpec defaults() {
        return new LexicalSpec(DEFAULT_NGRAM_MAX, DEFAULT_MAX_FEATURES, 1, 1.0, true, DEFAULT_MAX_LENGTH);
    }
}
