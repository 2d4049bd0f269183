package dev.regula.models;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A graph input or output as declared in the model.
 *
 * @param name     the value's name
 * @param elemType element type for tensors ({@code float}, {@code int64}, ...); for other values
 *                 the ONNX type spelling ({@code seq(tensor(float))}, {@code map(string,tensor(int64))})
 * @param shape    declared dims, or {@code null} when the model declares no shape (rank unknown)
 */
public record TensorInfo(String name, String elemType, List<Dim> shape) {
    public TensorInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(elemType, "elemType");
        shape = shape == null ? null : List.copyOf(shape);
    }

    /** The element type as Regula's enum, empty for non-tensor values and types {@link ElemType} does not name. */
    public Optional<ElemType> elem() {
        for (ElemType t : ElemType.values()) {
            if (t.onnxName().equals(elemType)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /** {@code [batch, 128, ?]}, or {@code ?} when the rank is unknown. */
    public String shapeText() {
        return shape == null ? "?" : shape.toString();
    }
}
