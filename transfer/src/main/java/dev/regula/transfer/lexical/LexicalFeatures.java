package dev.regula.transfer.lexical;

import dev.regula.models.OnnxModel;
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
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Lexical features for a dataset: split it, fit the vocabulary and IDF on the train split alone,
 * and write every split's TF-IDF rows into a {@link FeatureStore} as a sparse block (kept sparse on
 * disk when large, see {@link FeatureStore#keepsSparse}), with the fitted feature model beside them.
 *
 * <p>Padding and truncation: each text is tokenized with the backbone's {@code tokenizer.json},
 * special tokens included, and cut to {@link LexicalSpec#maxLength()} tokens (always truncated, never
 * an error). In a batch shorter texts are right-padded with mask 0; the graph turns masked positions
 * into id -1, which no pooled n-gram holds, so padding adds nothing and no n-gram spans it. The
 * lexical window may be longer than {@code backbone.max_length}: the branch sees ids up to its own
 * {@code max_length}.
 */
public final class LexicalFeatures {
    private LexicalFeatures() {
    }

    /** What {@link #extractTo} fitted and wrote. */
    public record Result(LexicalVectorizer vectorizer, OnnxModel featureModel, FeatureStore store) {
        public Result {
            Objects.requireNonNull(vectorizer, "vectorizer");
            Objects.requireNonNull(featureModel, "featureModel");
            Objects.requireNonNull(store, "store");
        }
    }

    /**
     * The lexical feature model in the shape every later stage reads ({@link FeatureModel}): a lexical
     * model's "backbone" is its tokenizer (hash and source), its pooling {@code none}, its tensor the
     * TF-IDF block; the fitted provenance stays under {@value LexicalVectorizer#KEY_PREFIX}.
     */
    public static FeatureModel asFeatureModel(OnnxModel lexical, int dim, String tokenizerSha256, String tokenizerSource)
            throws BackboneException {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put(FeatureModel.KEY_BACKBONE_SHA256, tokenizerSha256);
        meta.put(FeatureModel.KEY_BACKBONE_SOURCE, "lexical:" + tokenizerSource);
        meta.put(FeatureModel.KEY_TENSOR, FeatureModel.OUTPUT);
        meta.put(FeatureModel.KEY_POOLING, Pooling.NONE.yamlName());
        meta.put(FeatureModel.KEY_L2, "true");
        meta.put(FeatureModel.KEY_DIM, Integer.toString(dim));
        meta.put(FeatureModel.KEY_MASK_INPUT, TextEncoder.ATTENTION_MASK);
        try {
            return FeatureModel.fromBytes(lexical.withMetadata(meta).toBytes());
        } catch (dev.regula.models.OnnxModelException e) {
            throw new BackboneException(null, "cannot serialize the lexical feature model: " + e.getMessage(), e);
        }
    }

    /** Tokenizes {@code examples} into unpadded windows of at most {@code enc.maxLength()} tokens. */
    public static List<TokenWindow> windows(TextEncoder enc, List<Example> examples) {
        return enc.encodeAll(examples.stream().map(Example::text).toList()).stream()
                .map(t -> new TokenWindow(t.ids(), t.mask())).toList();
    }

    /**
     * Fits on {@code data}'s train split and writes the store to {@code storeDir}.
     *
     * @param tokenizer the backbone's {@code tokenizer.json}
     * @param tokenizerSha256 its hash (keys the store)
     * @param opset ai.onnx opset of the feature model (>= 9; the backbone's, to merge with it)
     */
    public static Result extractTo(Path storeDir, Path tokenizer, String tokenizerSha256, Dataset data, SplitSpec split,
                                   LexicalSpec spec, int opset) throws IOException, DatasetException, FeatureStoreException {
        if (data.spec().format().numeric()) {
            throw new IllegalArgumentException("features.kind lexical needs text data, but data.format is "
                    + data.spec().format().id());
        }
        Splits splits = Splitter.split(data, split);
        try (TextEncoder enc = TextEncoder.open(tokenizer, spec.maxLength(), true)) {
            LexicalVectorizer v = LexicalVectorizer.fit(windows(enc, splits.train()), spec);
            Map<String, FeatureMatrix> matrices = new LinkedHashMap<>();
            for (String name : Splits.NAMES) {
                List<Example> examples = splits.get(name);
                List<TokenWindow> w = windows(enc, examples);
                // Row by row into CSR: a 20,000-wide block is never held dense (the store decides how it lands on disk).
                SparseRows.Builder rows = new SparseRows.Builder(v.size());
                int[] labels = new int[w.size()];
                for (int i = 0; i < labels.length; i++) {
                    rows.addDense(v.transform(w.get(i)));
                    labels[i] = splits.labels().index(examples.get(i).label());
                }
                matrices.put(name, FeatureMatrix.withSparse(null, 0, rows.build(), labels));
            }
            Map<String, Object> config = new TreeMap<>(v.metadata());
            config.put("feature.kind", "lexical");
            config.put("data.text_field", String.valueOf(data.spec().textField()));
            config.put("data.label_field", String.valueOf(data.spec().labelField()));
            split.describe().forEach((k, val) -> config.put("split." + k, String.valueOf(val)));
            FeatureStore store = FeatureStore.write(storeDir, new StoreKey(tokenizerSha256, data.sha256(), config),
                    splits.labels().names(), matrices);
            OnnxModel model = v.featureModel(opset).withMetadata(Map.of(
                    LexicalVectorizer.KEY_PREFIX + "tokenizer.sha256", tokenizerSha256));
            return new Result(v, model, store);
        }
    }
}
