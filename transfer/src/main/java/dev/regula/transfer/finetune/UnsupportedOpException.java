package dev.regula.transfer.finetune;

import java.util.Collection;
import java.util.List;

/** A node whose op the interpreter has no implementation for; thrown when the interpreter is built. */
public final class UnsupportedOpException extends InterpreterException {
    private final String domain;

    public UnsupportedOpException(String domain, String opType, String nodeName, int nodeIndex, Collection<String> supported) {
        super("op " + (domain.isEmpty() ? "" : domain + ".") + opType + " is not supported by the ONNX-on-DJL interpreter;"
                + " expected one of " + List.copyOf(supported) + " in the ai.onnx domain", opType, nodeName, nodeIndex, null);
        this.domain = domain;
    }

    /** The node's domain ("" for ai.onnx). */
    public String domain() {
        return domain;
    }
}
