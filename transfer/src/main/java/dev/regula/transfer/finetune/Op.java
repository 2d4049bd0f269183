package dev.regula.transfer.finetune;

import java.util.List;

/**
 * One ONNX op on DJL NDArrays. Inputs come in node order, an absent optional input as null; the
 * result holds one value per node output.
 */
@FunctionalInterface
interface Op {
    List<Value> apply(OpContext ctx, List<Value> inputs);
}
