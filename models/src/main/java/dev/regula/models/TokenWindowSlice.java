package dev.regula.models;

import java.util.List;
import java.util.Map;

/**
 * The transformer's window cut in-graph from a longer token window, as the tokenizer would have cut it.
 *
 * <p>A hybrid graph takes one {@code input_ids}/{@code attention_mask} pair encoded at the lexical
 * window (e.g. 512 tokens), but the backbone must see what a {@code window}-token encoding gives.
 * Truncating a text at {@code window} ends it with {@code sepId}; the first {@code window} tokens of the
 * long window end with a content token instead. So where the long window holds a real token at
 * position {@code window} (the text ran past the cut), the last kept position becomes {@code sepId};
 * elsewhere the first {@code window} tokens already equal the short encoding (its [SEP] and padding
 * included). Inputs shorter than {@code window + 1} tokens are padded with zeros (mask 0) first, so
 * any token count works. Only Gather, Concat, Mul, Add, ReduceSum, Equal and Where: opset 9 and later.
 *
 * @param window tokens the backbone sees (its {@code max_length}), at least 2
 * @param sepId  the id the tokenizer puts last when it truncates, or {@link #NO_END_TOKEN} for a tokenizer
 *               that adds no special tokens (its truncated encoding is the plain first {@code window} tokens)
 */
public record TokenWindowSlice(int window, long sepId) {
    /** {@link #sepId()} of a tokenizer whose truncation appends nothing: the cut is the first tokens as they are. */
    public static final long NO_END_TOKEN = -1;

    public TokenWindowSlice {
        if (window < 2) {
            throw new IllegalArgumentException("window must be >= 2 (room for [CLS] and [SEP]), got " + window);
        }
        if (sepId < NO_END_TOKEN) {
            throw new IllegalArgumentException("sepId must be a token id >= 0, or NO_END_TOKEN (-1), got " + sepId);
        }
    }

    /** The cut pair: int64 {@code [batch, window]} ids and mask, in that order. */
    public List<OnnxRef> writeGraph(GraphBuilder g, OnnxRef ids, OnnxRef mask) {
        // [batch, window + 1] zeros, built from the batch dim alone so no Shape/ConstantOfShape is needed.
        OnnxRef batchZero = g.mul(g.reduceSum(mask, new long[] {1}, true), g.constant(0L));
        OnnxRef zeros = g.add(batchZero, g.initializer("zeros", new long[window + 1], 1, window + 1));
        long[] first = new long[window];
        for (int i = 0; i < window; i++) {
            first[i] = i;
        }
        OnnxRef keep = g.initializer("window", first, window);
        OnnxRef paddedIds = g.concat(1, ids, zeros);
        OnnxRef paddedMask = g.concat(1, mask, zeros);
        OnnxRef cutIds = g.gather(paddedIds, keep, 1);
        OnnxRef cutMask = g.gather(paddedMask, keep, 1);
        if (sepId == NO_END_TOKEN) {
            return List.of(cutIds, cutMask);
        }
        OnnxRef beyond = g.gather(paddedMask, g.initializer("beyond", new long[] {window}, 1), 1);
        long[] last = new long[window];
        last[window - 1] = 1;
        OnnxRef atLast = g.mul(beyond, g.initializer("last", last, 1, window));
        OnnxRef isCut = g.node("Equal", List.of(atLast, g.constant(1L)), Map.of());
        return List.of(g.where(isCut, g.constant(sepId), cutIds), cutMask);
    }
}
