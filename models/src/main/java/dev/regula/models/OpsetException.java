package dev.regula.models;

/**
 * A graph-building request that the target opset cannot express: an op the opset does not have,
 * an attribute the opset moved to an input (or the other way round), or an opset upgrade that an
 * existing node would not survive. The message names the op, the opset and the form expected.
 */
public class OpsetException extends IllegalArgumentException {
    private final String opType;
    private final int opset;

    public OpsetException(String opType, int opset, String message) {
        super(message);
        this.opType = opType;
        this.opset = opset;
    }

    /** The op at fault (for example {@code ReduceMean}). */
    public String opType() {
        return opType;
    }

    /** The default-domain opset the request was checked against. */
    public int opset() {
        return opset;
    }
}
