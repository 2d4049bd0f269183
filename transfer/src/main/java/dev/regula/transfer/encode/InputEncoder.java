package dev.regula.transfer.encode;

import java.util.List;
import java.util.Map;

/**
 * Turns raw items (texts, vectors) into the tensors a backbone's graph inputs expect.
 * Encoding is per item (so a caller can sort items by length before batching); collating pads a
 * batch only to its own longest item.
 *
 * @param <T> the raw item type
 * @param <E> the encoded item type
 */
public interface InputEncoder<T, E extends InputEncoder.Encoded> {

    /** One encoded item. */
    interface Encoded {
        /** Sequence length (tokens); a constant for fixed-size inputs. */
        int length();
    }

    /** A short description for messages, e.g. {@code text encoder}. */
    String name();

    /** What this encoder can feed, for messages, e.g. {@code int64 [batch, tokens] input_ids, attention_mask}. */
    String provides();

    /**
     * Checks that every input of the model can be fed by this encoder.
     *
     * @throws EncoderMismatchException naming the model's inputs and what this encoder provides
     */
    void check(List<ModelInput> modelInputs) throws EncoderMismatchException;

    /**
     * Encodes items, in order.
     *
     * @throws IllegalArgumentException naming the item (by index) that cannot be encoded
     */
    List<E> encodeAll(List<T> items);

    /** The tensors for one batch, keyed by model input name, for inputs already accepted by {@link #check}. */
    Map<String, BatchTensor> collate(List<E> batch, List<ModelInput> modelInputs);
}
