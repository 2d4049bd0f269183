package dev.regula.transfer.regularize;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Scalar operands for arrays inside a gradient graph. Use {@code x.mul(GraphScalars.of(x, c))}, not
 * {@code x.mul(c)}, wherever the result feeds a loss.
 *
 * <p>DJL's {@code op(Number)} builds its scalar over a Java direct buffer and closes it right after
 * the op. Where the op keeps that operand for the backward pass (mul and div do), nothing on the
 * Java side holds the buffer any more: a garbage collection between forward and backward frees it,
 * and backward reads whatever the memory then holds (gradients of inf or NaN were reproduced, and
 * rare run-to-run differences of seeded training). A scalar the engine allocates is
 * reference-counted by libtorch and lives as long as the graph needs it. The value is the same
 * float32, so results are unchanged.
 */
public final class GraphScalars {
    private GraphScalars() {}

    /** {@code value} as a float32 scalar made by the engine in {@code like}'s manager, on its device. */
    public static NDArray of(NDArray like, double value) {
        return like.getManager().full(new Shape(), (float) value, DataType.FLOAT32, like.getDevice());
    }
}
