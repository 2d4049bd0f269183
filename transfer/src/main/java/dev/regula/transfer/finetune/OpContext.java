package dev.regula.transfer.finetune;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.regula.models.onnx.AttributeProto;
import dev.regula.models.onnx.NodeProto;
import dev.regula.models.onnx.TensorProto;
import java.util.Objects;

/**
 * What an op implementation sees besides its inputs: the node (for attributes), the graph's ai.onnx
 * opset (attribute vs input forms), the batch's manager and the float type of the run.
 *
 * @param node      the node being run
 * @param opset     the graph's ai.onnx opset
 * @param manager   the manager every new NDArray of this run belongs to
 * @param floatType FLOAT32, or FLOAT64 for a double-precision run (gradient checks)
 */
record OpContext(NodeProto node, int opset, NDManager manager, DataType floatType) {
    OpContext {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(manager, "manager");
        Objects.requireNonNull(floatType, "floatType");
    }

    AttributeProto attr(String name) {
        for (AttributeProto a : node.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a;
            }
        }
        return null;
    }

    long intAttr(String name, long fallback) {
        AttributeProto a = attr(name);
        return a == null ? fallback : a.getI();
    }

    /** An INTS attribute, or null when absent. */
    long[] intsAttr(String name) {
        AttributeProto a = attr(name);
        return a == null ? null : a.getIntsList().stream().mapToLong(Long::longValue).toArray();
    }

    TensorProto tensorAttr(String name) {
        AttributeProto a = attr(name);
        return a == null || !a.hasT() ? null : a.getT();
    }

    NDArray nd(Value v) {
        return Value.nd(v, manager);
    }

    /** A failure naming what the node's input or attribute held and what was expected. */
    IllegalArgumentException bad(String what) {
        return new IllegalArgumentException(what);
    }
}
