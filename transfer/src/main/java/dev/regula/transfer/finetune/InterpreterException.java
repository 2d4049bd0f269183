package dev.regula.transfer.finetune;

import dev.regula.transfer.TransferException;

/**
 * An ONNX graph the interpreter cannot run, or a node that failed while it ran. Carries the node
 * (op type, name, index in the graph's node list) when the fault is tied to one.
 */
public class InterpreterException extends TransferException {
    private final String opType;
    private final String nodeName;
    private final int nodeIndex;

    /** A fault of the graph as a whole (no node). */
    public InterpreterException(String detail) {
        this(detail, null, null, -1, null);
    }

    /**
     * @param opType    the node's op type, or null when not tied to a node
     * @param nodeName  the node's name (may be empty in the graph), or null
     * @param nodeIndex the node's index in the graph's node list, or -1
     */
    public InterpreterException(String detail, String opType, String nodeName, int nodeIndex, Throwable cause) {
        super(null, 0, opType == null ? detail : "node " + nodeIndex + " '" + nodeName + "' (" + opType + "): " + detail, cause);
        this.opType = opType;
        this.nodeName = nodeName;
        this.nodeIndex = nodeIndex;
    }

    /** The op type of the node at fault, or null. */
    public String opType() {
        return opType;
    }

    /** The name of the node at fault (possibly empty), or null. */
    public String nodeName() {
        return nodeName;
    }

    /** The index of the node at fault in its graph's node list, or -1. */
    public int nodeIndex() {
        return nodeIndex;
    }
}
