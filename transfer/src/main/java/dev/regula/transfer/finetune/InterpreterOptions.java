package dev.regula.transfer.finetune;

import ai.djl.ndarray.types.DataType;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * How the interpreter holds a graph.
 *
 * @param floatType FLOAT32 (as the model runs in ONNX Runtime) or FLOAT64 (every float initializer,
 *                  constant, fed tensor and Cast-to-float in double, for gradient checks)
 * @param trainable which float initializers (by name) become parameters with a gradient; the rest
 *                  are held as constants
 */
public record InterpreterOptions(DataType floatType, Predicate<String> trainable) {
    public InterpreterOptions {
        Objects.requireNonNull(floatType, "floatType");
        Objects.requireNonNull(trainable, "trainable");
        if (floatType != DataType.FLOAT32 && floatType != DataType.FLOAT64) {
            throw new IllegalArgumentException("floatType is " + floatType + ", expected FLOAT32 or FLOAT64");
        }
    }

    /** float32, every float initializer trainable. */
    public static InterpreterOptions defaults() {
        return new InterpreterOptions(DataType.FLOAT32, name -> true);
    }

    /** This, with {@code floatType}. */
    public InterpreterOptions withFloatType(DataType type) {
        return new InterpreterOptions(type, trainable);
    }

    /** This, with {@code trainable}. */
    public InterpreterOptions withTrainable(Predicate<String> which) {
        return new InterpreterOptions(floatType, which);
    }
}
