package dev.regula.models;

import java.util.List;
import java.util.Map;

/**
 * One graph for {@code features.kind: hybrid}: {@code [neural * neuralScale | lexical * lexicalScale]}
 * from one {@code input_ids}/{@code attention_mask} pair encoded at the lexical window. The backbone
 * sees the {@link TokenWindowSlice} cut (what a {@code window}-token encoding gives); the TF-IDF block
 * sees the whole pair.
 *
 * @param slice        the backbone's window
 * @param lexical      the fitted TF-IDF block
 * @param neuralScale  factor on the neural block (1: unchanged)
 * @param lexicalScale factor on the lexical block (1: unchanged)
 */
public record HybridGraph(TokenWindowSlice slice, TfIdfBlock lexical, float neuralScale, float lexicalScale) {
    /** A BERT-style backbone's segment input; fed zeros (one segment), as the text encoder does. */
    public static final String TOKEN_TYPES = "token_type_ids";

    public HybridGraph {
        java.util.Objects.requireNonNull(slice, "slice");
        java.util.Objects.requireNonNull(lexical, "lexical");
        if (!(neuralScale > 0) || !(lexicalScale > 0) || Float.isInfinite(neuralScale) || Float.isInfinite(lexicalScale)) {
            throw new IllegalArgumentException("block scales must be finite and > 0, got neural " + neuralScale
                    + ", lexical " + lexicalScale);
        }
    }

    /**
     * Composes the hybrid graph around {@code neural}, whose inputs are {@code input_ids} and
     * {@code attention_mask} (int64) and whose one output {@code neuralOutput} is float {@code [batch, dim]}.
     * A {@value #TOKEN_TYPES} input, if any, gets zeros. The result keeps those input names and has one output {@code features}, {@code [batch, dim + size]}.
     */
    public OnnxModel compose(OnnxModel neural, String neuralOutput, int dim) {
        int opset = GraphBuilder.appendTo(neural).opset();
        GraphBuilder g = GraphBuilder.create("hybrid-front", opset);
        OnnxRef ids = g.input("input_ids", ElemType.INT64, "batch", "tokens");
        OnnxRef mask = g.input("attention_mask", ElemType.INT64, "batch", "tokens");
        List<OnnxRef> cut = slice.writeGraph(g, ids, mask);
        g.output(g.identity(cut.get(0)), "window_ids", ElemType.INT64, "batch", (long) slice.window());
        g.output(g.identity(cut.get(1)), "window_mask", ElemType.INT64, "batch", (long) slice.window());
        OnnxRef lex = lexical.writeGraph(g, ids, mask);
        if (lexicalScale != 1f) {
            lex = g.mul(lex, g.constant(lexicalScale));
        }
        g.output(lex, "lexical", ElemType.FLOAT, "batch", (long) lexical.size());
        Map<String, String> feeds = new java.util.HashMap<>(Map.of("window_ids", "input_ids", "window_mask", "attention_mask"));
        boolean types = neural.proto().getGraph().getInputList().stream().anyMatch(i -> i.getName().equals(TOKEN_TYPES));
        if (types) {
            // One-segment texts: the encoder feeds all-zero token types, so the graph makes them from the cut.
            g.output(g.mul(cut.get(0), g.constant(0L)), "window_types", ElemType.INT64, "batch", (long) slice.window());
            feeds.put("window_types", TOKEN_TYPES);
        }
        OnnxModel merged = Surgery.merge(g.build(), neural, feeds, "", "neural/");
        GraphBuilder h = GraphBuilder.appendTo(merged);
        OnnxRef n = h.existing("neural/" + neuralOutput);
        if (neuralScale != 1f) {
            n = h.mul(n, h.constant(neuralScale));
        }
        OnnxRef both = h.concat(1, n, h.existing("lexical"));
        for (var o : merged.proto().getGraph().getOutputList()) {
            h.removeOutput(o.getName());
        }
        h.output(both, "features", ElemType.FLOAT, "batch", (long) (dim + lexical.size()));
        return Surgery.cut(h.build(), "features");
    }
}
