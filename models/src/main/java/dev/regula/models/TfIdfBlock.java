package dev.regula.models;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A TF-IDF over n-grams of int64 token ids, written as standard ai.onnx ops (opset >= 9):
 * {@code TfIdfVectorizer} (mode TF) counts the pooled n-grams, then optional {@code Log(1 + tf)},
 * a {@code Mul} by the IDF constants and an optional L2 normalisation of each row.
 *
 * <p>Positions whose attention mask is 0 are replaced by the id -1 before counting, so padding
 * never forms an n-gram (no pooled n-gram holds a negative id) and an n-gram never spans padding.
 *
 * @param pool the n-grams, grouped by length ascending (all 1-grams, then all 2-grams, ...);
 *     output column {@code j} counts {@code pool.get(j)}
 * @param idf one weight per pool entry
 * @param maxN the longest n-gram length counted (>= the longest pool entry)
 * @param sublinearTf use {@code log(1 + tf)} in place of the raw count
 * @param l2 divide each row by its L2 norm ({@code sqrt(max(sum x^2, 1e-12))})
 */
public record TfIdfBlock(List<long[]> pool, float[] idf, int maxN, boolean sublinearTf, boolean l2) {
    /** Lowest ai.onnx opset that has {@code TfIdfVectorizer}. */
    public static final int MIN_OPSET = 9;
    /** Floor under the squared norm, as in the neural feature model's L2 pooling. */
    public static final float L2_EPS = 1e-12f;

    public TfIdfBlock {
        Objects.requireNonNull(pool, "pool");
        Objects.requireNonNull(idf, "idf");
        if (pool.isEmpty()) {
            throw new IllegalArgumentException("TF-IDF pool is empty; expected at least one n-gram");
        }
        if (idf.length != pool.size()) {
            throw new IllegalArgumentException("TF-IDF has " + idf.length + " IDF weights for " + pool.size()
                    + " pooled n-grams; expected one weight per n-gram");
        }
        if (maxN < 1) {
            throw new IllegalArgumentException("maxN must be >= 1, got " + maxN);
        }
        int last = 1;
        for (int i = 0; i < pool.size(); i++) {
            long[] g = pool.get(i);
            if (g == null || g.length < 1 || g.length > maxN) {
                throw new IllegalArgumentException("pool entry " + i + " has length " + (g == null ? "null" : g.length)
                        + ", expected 1.." + maxN);
            }
            if (g.length < last) {
                throw new IllegalArgumentException("pool entry " + i + " is a " + g.length + "-gram after a " + last
                        + "-gram; expected the pool grouped by length ascending");
            }
            last = g.length;
            for (long id : g) {
                if (id < 0) {
                    throw new IllegalArgumentException("pool entry " + i + " holds id " + id
                            + "; expected ids >= 0 (-1 marks padding)");
                }
            }
        }
        pool = pool.stream().map(long[]::clone).toList();
        idf = idf.clone();
    }

    /** Number of output columns. */
    public int size() {
        return pool.size();
    }

    /**
     * Writes the block into {@code g}: {@code ids} and {@code mask} are int64 {@code [batch, tokens]};
     * returns float {@code [batch, size()]}.
     */
    public OnnxRef writeGraph(GraphBuilder g, OnnxRef ids, OnnxRef mask) {
        if (g.opset() < MIN_OPSET) {
            throw new OpsetException("TfIdfVectorizer", g.opset(), "TfIdfVectorizer needs ai.onnx opset >= "
                    + MIN_OPSET + ", but the graph imports opset " + g.opset());
        }
        OnnxRef kept = g.where(g.cast(mask, ElemType.BOOL), ids, g.constant(-1L));
        long[] flat = pool.stream().flatMapToLong(java.util.Arrays::stream).toArray();
        // ngram_counts[k] is where the (k+1)-grams start in pool_int64s (counted in ids, not entries).
        long[] counts = new long[maxN];
        long offset = 0;
        int entry = 0;
        for (int n = 1; n <= maxN; n++) {
            counts[n - 1] = offset;
            while (entry < pool.size() && pool.get(entry).length == n) {
                offset += n;
                entry++;
            }
        }
        long[] indexes = new long[pool.size()];
        for (int i = 0; i < indexes.length; i++) {
            indexes[i] = i;
        }
        OnnxRef tf = g.node("TfIdfVectorizer", List.of(kept), Map.of(
                "mode", "TF",
                "min_gram_length", 1L,
                "max_gram_length", (long) maxN,
                "max_skip_count", 0L,
                "ngram_counts", counts,
                "ngram_indexes", indexes,
                "pool_int64s", flat));
        OnnxRef x = sublinearTf ? g.log(g.add(tf, g.constant(1f))) : tf;
        x = g.mul(x, g.initializer("idf", idf, idf.length));
        if (l2) {
            OnnxRef ss = g.clip(g.reduceSum(g.mul(x, x), new long[] {1}, true), L2_EPS, null);
            x = g.div(x, g.sqrt(ss));
        }
        return x;
    }

    /** The pooled n-grams as lists, for metadata and reports. */
    public List<List<Long>> poolAsLists() {
        List<List<Long>> out = new ArrayList<>(pool.size());
        for (long[] gram : pool) {
            out.add(java.util.Arrays.stream(gram).boxed().toList());
        }
        return out;
    }

    @Override
    public List<long[]> pool() {
        return pool.stream().map(long[]::clone).toList();
    }

    @Override
    public float[] idf() {
        return idf.clone();
    }
}
