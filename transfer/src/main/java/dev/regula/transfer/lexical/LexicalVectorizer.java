package dev.regula.transfer.lexical;

import dev.regula.models.ElemType;
import dev.regula.models.GraphBuilder;
import dev.regula.models.OnnxModel;
import dev.regula.models.OnnxRef;
import dev.regula.models.TfIdfBlock;
import dev.regula.transfer.encode.TextEncoder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A TF-IDF over n-grams of the backbone tokenizer's ids, fitted on the train split only, with a
 * Java reference transform and the same computation as ONNX nodes ({@link TfIdfBlock}).
 *
 * <p>How the vocabulary is chosen (as sklearn's {@code TfidfVectorizer}, on ids in place of words):
 * every n-gram of length 1..{@code ngramMax} in the train windows is counted; those in fewer than
 * {@code min_df} documents or in more than {@code max_df * n} documents are dropped; of the rest
 * the {@code max_features} with the largest total count are kept, ties broken by larger document
 * frequency, then shorter n-gram, then smaller ids (lexicographically). Columns are ordered by
 * n-gram length, then ids. IDF is sklearn's smooth IDF on the train documents:
 * {@code ln((1 + n) / (1 + df)) + 1}.
 */
public final class LexicalVectorizer {
    /** Prefix of the provenance keys in {@code metadata_props}. */
    public static final String KEY_PREFIX = "regula.lexical.";
    /** How the pool was chosen, in words, for the model's metadata and reports. */
    public static final String VOCABULARY_RULE = "token-id n-grams of the train split; df in [min_df, max_df * n];"
            + " top max_features by total count, then df, then length and ids; smooth idf ln((1+n)/(1+df))+1";
    private final LexicalSpec spec;
    private final TfIdfBlock block;
    private final Map<Ngram, Integer> column;
    private final int trainDocs;

    private LexicalVectorizer(LexicalSpec spec, TfIdfBlock block, int trainDocs) {
        this.spec = spec;
        this.block = block;
        this.trainDocs = trainDocs;
        this.column = new HashMap<>();
        List<long[]> pool = block.pool();
        for (int j = 0; j < pool.size(); j++) {
            column.put(new Ngram(pool.get(j)), j);
        }
    }

    /**
     * Fits on the train windows (and only those: callers pass the train split).
     *
     * @throws IllegalArgumentException if no n-gram survives the document-frequency filters
     */
    public static LexicalVectorizer fit(List<TokenWindow> train, LexicalSpec spec) {
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(spec, "spec");
        if (train.isEmpty()) {
            throw new IllegalArgumentException("cannot fit the lexical vocabulary on an empty train split");
        }
        Map<Ngram, long[]> stats = new HashMap<>(); // {total count, document frequency}
        for (TokenWindow w : train) {
            Set<Ngram> seen = new HashSet<>();
            w.forEachNgram(spec.ngramMax(), g -> {
                long[] s = stats.computeIfAbsent(g, k -> new long[2]);
                s[0]++;
                if (seen.add(g)) {
                    s[1]++;
                }
            });
        }
        int n = train.size();
        double maxCount = spec.maxDf() * n;
        List<Map.Entry<Ngram, long[]>> kept = new ArrayList<>();
        for (Map.Entry<Ngram, long[]> e : stats.entrySet()) {
            long df = e.getValue()[1];
            if (df >= spec.minDf() && df <= maxCount) {
                kept.add(e);
            }
        }
        if (kept.isEmpty()) {
            throw new IllegalArgumentException("no n-gram of the " + n + " train documents passes lexical.min_df="
                    + spec.minDf() + " and lexical.max_df=" + spec.maxDf() + " (" + stats.size() + " distinct n-grams)");
        }
        Comparator<Map.Entry<Ngram, long[]>> byFrequency = Comparator
                .<Map.Entry<Ngram, long[]>>comparingLong(e -> -e.getValue()[0])
                .thenComparingLong(e -> -e.getValue()[1])
                .thenComparing(Map.Entry::getKey);
        kept.sort(byFrequency);
        if (spec.maxFeatures() > 0 && kept.size() > spec.maxFeatures()) {
            kept = new ArrayList<>(kept.subList(0, spec.maxFeatures()));
        }
        kept.sort(Map.Entry.comparingByKey());
        List<long[]> pool = new ArrayList<>(kept.size());
        float[] idf = new float[kept.size()];
        for (int j = 0; j < kept.size(); j++) {
            pool.add(kept.get(j).getKey().ids());
            idf[j] = (float) (Math.log((1.0 + n) / (1.0 + kept.get(j).getValue()[1])) + 1.0);
        }
        return new LexicalVectorizer(spec, new TfIdfBlock(pool, idf, spec.ngramMax(), spec.sublinearTf(), true), n);
    }

    public LexicalSpec spec() {
        return spec;
    }

    /** The fitted pool and IDF, ready to write into a graph. */
    public TfIdfBlock block() {
        return block;
    }

    /** Number of columns (pooled n-grams). */
    public int size() {
        return block.size();
    }

    /** Number of train documents the vocabulary and IDF were fitted on. */
    public int trainDocs() {
        return trainDocs;
    }

    /** The Java reference of the exported block: one row of TF-IDF features. */
    public float[] transform(TokenWindow w) {
        double[] tf = new double[block.size()];
        w.forEachNgram(spec.ngramMax(), g -> {
            Integer j = column.get(g);
            if (j != null) {
                tf[j]++;
            }
        });
        float[] idf = block.idf();
        double ss = 0;
        for (int j = 0; j < tf.length; j++) {
            double v = tf[j] == 0 ? 0 : (spec.sublinearTf() ? Math.log1p(tf[j]) : tf[j]) * idf[j];
            tf[j] = v;
            ss += v * v;
        }
        double norm = Math.sqrt(Math.max(ss, TfIdfBlock.L2_EPS));
        float[] out = new float[tf.length];
        for (int j = 0; j < tf.length; j++) {
            out[j] = (float) (tf[j] / norm);
        }
        return out;
    }

    /**
     * The provenance written into the feature model's {@code metadata_props} (the vocabulary itself
     * is the {@code TfIdfVectorizer}'s {@code pool_int64s}, the IDF its {@code idf} initializer).
     */
    public Map<String, String> metadata() {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        m.put(KEY_PREFIX + "ngram_max", Integer.toString(spec.ngramMax()));
        m.put(KEY_PREFIX + "max_features", Integer.toString(spec.maxFeatures()));
        m.put(KEY_PREFIX + "min_df", Integer.toString(spec.minDf()));
        m.put(KEY_PREFIX + "max_df", Double.toString(spec.maxDf()));
        m.put(KEY_PREFIX + "sublinear_tf", Boolean.toString(spec.sublinearTf()));
        m.put(KEY_PREFIX + "max_length", Integer.toString(spec.maxLength()));
        m.put(KEY_PREFIX + "vocabulary_size", Integer.toString(block.size()));
        m.put(KEY_PREFIX + "train_docs", Integer.toString(trainDocs));
        m.put(KEY_PREFIX + "vocabulary_rule", VOCABULARY_RULE);
        return m;
    }

    /**
     * A stand-alone feature model: int64 {@code input_ids}/{@code attention_mask} {@code [batch, tokens]}
     * to float {@code features [batch, size()]}, at ai.onnx opset {@code opset} (>= 9).
     */
    public OnnxModel featureModel(int opset) {
        GraphBuilder g = GraphBuilder.create("regula_lexical", opset);
        OnnxRef ids = g.input(TextEncoder.INPUT_IDS, ElemType.INT64, "batch", "tokens");
        OnnxRef mask = g.input(TextEncoder.ATTENTION_MASK, ElemType.INT64, "batch", "tokens");
        g.output(block.writeGraph(g, ids, mask), "features", ElemType.FLOAT, "batch", (long) block.size());
        return g.build().withMetadata(metadata());
    }
}
