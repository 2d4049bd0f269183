package dev.regula.transfer.lexical;

import dev.regula.models.HybridGraph;
import dev.regula.models.OnnxModel;
import dev.regula.models.OnnxModelException;
import dev.regula.models.TokenWindowSlice;
import dev.regula.transfer.backbone.BackboneException;
import dev.regula.transfer.backbone.FeatureModel;
import dev.regula.transfer.backbone.Pooling;
import dev.regula.transfer.data.Dataset;
import dev.regula.transfer.data.DatasetException;
import dev.regula.transfer.data.Example;
import dev.regula.transfer.data.SplitSpec;
import dev.regula.transfer.data.Splits;
import dev.regula.transfer.data.Splitter;
import dev.regula.transfer.encode.TextEncoder;
import dev.regula.transfer.features.FeatureMatrix;
import dev.regula.transfer.features.FeatureStore;
import dev.regula.transfer.features.FeatureStoreException;
import dev.regula.transfer.features.SparseRows;
import dev.regula.transfer.features.StoreKey;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Hybrid features for a dataset: {@code [neural * neuralScale | lexical * lexicalScale]} per row, where
 * the neural block is an already extracted neural store (the backbone at its own window) and the
 * lexical block is a TF-IDF fitted here on the train split alone, at the lexical window. The feature
 * model is one graph ({@link HybridGraph}) fed one pair encoded at the lexical window; the store holds
 * what that graph outputs, so a head trained on it exports unchanged.
 *
 * <p>The store is dense ({@code rows x (dim + vocabulary)} float32).
 */
public final class HybridFeatures {
    /** The store's and model's {@code feature.kind}. */
    public static final String KIND = "hybrid";
    /** Metadata keys of the composed model (besides the lexical provenance under {@value LexicalVectorizer#KEY_PREFIX}). */
    public static final String KEY_KIND = "regula.feature.kind";
    public static final String KEY_NEURAL_DIM = "regula.hybrid.neural_dim";
    public static final String KEY_NEURAL_SCALE = "regula.hybrid.neural_scale";
    public static final String KEY_LEXICAL_SCALE = "regula.hybrid.lexical_scale";
    public static final String KEY_WINDOW = "regula.hybrid.neural_window";
    public static final String KEY_SEP_ID = "regula.hybrid.sep_id";

    private HybridFeatures() {
    }

    /** What {@link #extractTo} fitted and wrote. */
    public record Result(LexicalVectorizer vectorizer, TokenWindowSlice slice, FeatureModel featureModel, FeatureStore store) {
        public Result {
            Objects.requireNonNull(vectorizer, "vectorizer");
            Objects.requireNonNull(slice, "slice");
            Objects.requireNonNull(featureModel, "featureModel");
            Objects.requireNonNull(store, "store");
        }
    }

    /**
     * The in-graph cut that gives what {@code tokenizer} gives at {@code window} tokens, with the end
     * token read from the tokenizer itself: a text of about {@code 2 * window} words is encoded at
     * {@code window} (truncated) and untruncated. If both agree on the first {@code window} tokens the
     * tokenizer appends nothing ({@link TokenWindowSlice#NO_END_TOKEN}); if they differ only at the last
     * position, that position's id must also end a short text (e.g. BERT's [SEP]) and is the end token.
     *
     * @throws IllegalArgumentException for a tokenizer whose truncation is neither (a stride, left truncation, ...)
     */
    public static TokenWindowSlice windowSlice(Path tokenizer, int window) throws IOException {
        String probe = String.join(" ", Collections.nCopies(2 * window + 2, "a"));
        try (TextEncoder cut = TextEncoder.open(tokenizer, window, true);
             TextEncoder wide = TextEncoder.open(tokenizer, 2 * window + 64, true)) {
            long[] c = cut.encodeAll(List.of(probe)).get(0).ids();
            long[] w = wide.encodeAll(List.of(probe)).get(0).ids();
            long[] shortText = cut.encodeAll(List.of("a")).get(0).ids();
            if (c.length != window || w.length <= window
                    || !Arrays.equals(Arrays.copyOf(c, window - 1), Arrays.copyOf(w, window - 1))) {
                throw new IllegalArgumentException("tokenizer " + tokenizer + " does not cut a long text to its first "
                        + window + " tokens (got " + c.length + " of " + w.length + "); features.kind: hybrid needs"
                        + " right truncation to cut the backbone's window in-graph");
            }
            if (c[window - 1] == w[window - 1]) {
                return new TokenWindowSlice(window, TokenWindowSlice.NO_END_TOKEN);
            }
            if (shortText.length == 0 || shortText[shortText.length - 1] != c[window - 1]) {
                throw new IllegalArgumentException("tokenizer " + tokenizer + " ends a truncated text with id " + c[window - 1]
                        + " but a short one with " + (shortText.length == 0 ? "nothing" : shortText[shortText.length - 1])
                        + "; features.kind: hybrid needs one end token (such as [SEP]) or none");
            }
            return new TokenWindowSlice(window, c[window - 1]);
        }
    }

    /**
     * Fits the lexical block on {@code data}'s train split and writes the hybrid store to {@code storeDir}.
     *
     * @param neuralStore the neural features of the same data and split (the backbone at {@code window} tokens)
     * @param neural the feature model that wrote {@code neuralStore}
     * @param tokenizer the backbone's {@code tokenizer.json}
     * @param window the backbone's {@code max_length}
     */
    public static Result extractTo(Path storeDir, FeatureStore neuralStore, FeatureModel neural, Path tokenizer,
                                   String tokenizerSha256, Dataset data, SplitSpec split, LexicalSpec spec, int window,
                                   float neuralScale, float lexicalScale)
            throws IOException, DatasetException, FeatureStoreException, BackboneException {
        if (data.spec().format().numeric()) {
            throw new IllegalArgumentException("features.kind hybrid needs text data, but data.format is "
                    + data.spec().format().id());
        }
        if (spec.maxLength() < window) {
            throw new IllegalArgumentException("lexical.max_length (" + spec.maxLength() + ") must be >= backbone.max_length ("
                    + window + "): the hybrid graph cuts the backbone's window from the lexical one");
        }
        TokenWindowSlice slice = windowSlice(tokenizer, window);
        Splits splits = Splitter.split(data, split);
        if (!neuralStore.labels().equals(splits.labels().names())) {
            throw new IllegalArgumentException("the neural store's labels " + neuralStore.labels() + " differ from the data's "
                    + splits.labels().names());
        }
        try (TextEncoder enc = TextEncoder.open(tokenizer, spec.maxLength(), true)) {
            LexicalVectorizer v = LexicalVectorizer.fit(LexicalFeatures.windows(enc, splits.train()), spec);
            int dim = neural.dim();
            Map<String, FeatureMatrix> matrices = new LinkedHashMap<>();
            for (String name : Splits.NAMES) {
                List<Example> examples = splits.get(name);
                FeatureMatrix n = neuralStore.split(name);
                if (n.rows() != examples.size() || n.dim() != dim) {
                    throw new IllegalArgumentException("the neural store's " + name + " split holds " + n.rows() + " x " + n.dim()
                            + ", expected " + examples.size() + " x " + dim + " (same data and split)");
                }
                List<TokenWindow> w = LexicalFeatures.windows(enc, examples);
                // The neural block stays dense; the lexical block goes row by row into CSR, and the store
                // decides how it lands on disk (sparse when dense would be large), as for features.kind lexical.
                float[] neuralBlock = new float[examples.size() * dim];
                SparseRows.Builder lexical = new SparseRows.Builder(v.size());
                int[] labels = new int[examples.size()];
                FloatBuffer nb = n.data().duplicate();
                for (int i = 0; i < examples.size(); i++) {
                    labels[i] = splits.labels().index(examples.get(i).label());
                    if (labels[i] != n.labels()[i]) {
                        throw new IllegalArgumentException("row " + i + " of the " + name + " split has label " + labels[i]
                                + " here but " + n.labels()[i] + " in the neural store (rows out of order)");
                    }
                    int at = i * dim;
                    nb.position(i * dim);
                    nb.get(neuralBlock, at, dim);
                    // Scaled as the graph scales them (one float multiply), so the store equals its output.
                    for (int j = 0; j < dim; j++) {
                        neuralBlock[at + j] = neuralScale == 1f ? neuralBlock[at + j] : neuralBlock[at + j] * neuralScale;
                    }
                    float[] l = v.transform(w.get(i));
                    if (lexicalScale != 1f) {
                        for (int j = 0; j < l.length; j++) {
                            l[j] = l[j] * lexicalScale;
                        }
                    }
                    lexical.addDense(l);
                }
                matrices.put(name, FeatureMatrix.withSparse(FloatBuffer.wrap(neuralBlock), dim, lexical.build(), labels));
            }
            Map<String, Object> config = new TreeMap<>(v.metadata());
            config.put("feature.kind", KIND);
            config.put("neural.feature_model.sha256", neural.sha256());
            config.put("hybrid.neural_scale", Float.toString(neuralScale));
            config.put("hybrid.lexical_scale", Float.toString(lexicalScale));
            config.put("hybrid.neural_window", window);
            config.put("tokenizer.sha256", tokenizerSha256);
            config.put("tokenizer.max_length", spec.maxLength());
            config.put("tokenizer.truncation", true);
            config.put("data.text_field", String.valueOf(data.spec().textField()));
            config.put("data.label_field", String.valueOf(data.spec().labelField()));
            split.describe().forEach((k, val) -> config.put("split." + k, String.valueOf(val)));
            FeatureStore store = FeatureStore.write(storeDir, new StoreKey(neural.backboneSha256(), data.sha256(), config),
                    splits.labels().names(), matrices);
            FeatureModel model = featureModel(neural, v, slice, tokenizerSha256, neuralScale, lexicalScale);
            return new Result(v, slice, model, store);
        }
    }

    /**
     * The one hybrid graph in the shape later stages read: the neural model's backbone provenance,
     * pooling {@code none} and no L2 on the concatenation (each block is normalised on its own), and
     * the lexical provenance and block layout in the metadata.
     */
    public static FeatureModel featureModel(FeatureModel neural, LexicalVectorizer v, TokenWindowSlice slice,
                                            String tokenizerSha256, float neuralScale, float lexicalScale)
            throws BackboneException {
        OnnxModel composed = new HybridGraph(slice, v.block(), neuralScale, lexicalScale)
                .compose(OnnxModel.of(neural.proto()), FeatureModel.OUTPUT, neural.dim());
        Map<String, String> meta = new LinkedHashMap<>(OnnxModel.of(neural.proto()).metadata());
        meta.putAll(v.metadata());
        meta.put(LexicalVectorizer.KEY_PREFIX + "tokenizer.sha256", tokenizerSha256);
        meta.put(FeatureModel.KEY_TENSOR, FeatureModel.OUTPUT);
        meta.put(FeatureModel.KEY_POOLING, Pooling.NONE.yamlName());
        meta.put(FeatureModel.KEY_L2, "false");
        meta.put(FeatureModel.KEY_DIM, Integer.toString(neural.dim() + v.size()));
        meta.put(FeatureModel.KEY_MASK_INPUT, TextEncoder.ATTENTION_MASK);
        meta.put(KEY_KIND, KIND);
        meta.put(KEY_NEURAL_DIM, Integer.toString(neural.dim()));
        meta.put(KEY_NEURAL_SCALE, Float.toString(neuralScale));
        meta.put(KEY_LEXICAL_SCALE, Float.toString(lexicalScale));
        meta.put(KEY_WINDOW, Integer.toString(slice.window()));
        meta.put(KEY_SEP_ID, Long.toString(slice.sepId()));
        try {
            return FeatureModel.fromBytes(composed.withMetadata(meta).toBytes());
        } catch (OnnxModelException e) {
            throw new BackboneException(null, "cannot serialize the hybrid feature model: " + e.getMessage(), e);
        }
    }
}
