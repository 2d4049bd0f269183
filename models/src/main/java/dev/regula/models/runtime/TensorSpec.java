package dev.regula.models.runtime;

import dev.regula.models.ElemType;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A model input or output as ONNX Runtime reports it.
 *
 * @param name     the graph input/output name
 * @param type     element type
 * @param shape    declared dimensions; {@code -1} where the dimension is symbolic or unknown
 * @param dimNames per axis, the symbolic name (e.g. {@code batch}) or {@code ""} for a fixed or anonymous dimension
 * @param rankKnown false when the model declares no shape at all, so any rank is accepted; {@code shape}
 *                  is then empty
 */
public record TensorSpec(String name, ElemType type, List<Long> shape, List<String> dimNames, boolean rankKnown) {

    public TensorSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        shape = List.copyOf(shape);
        dimNames = List.copyOf(dimNames);
        if (shape.size() != dimNames.size()) {
            throw new IllegalArgumentException("TensorSpec '" + name + "': shape " + shape + " and dimension names "
                    + dimNames + " differ in length");
        }
        if (!rankKnown && !shape.isEmpty()) {
            throw new IllegalArgumentException("TensorSpec '" + name + "' of unknown rank cannot have shape " + shape);
        }
    }

    /** A spec with a declared shape. */
    public TensorSpec(String name, ElemType type, List<Long> shape, List<String> dimNames) {
        this(name, type, shape, dimNames, true);
    }

    /** From ONNX Runtime's arrays; {@code dimNames} may be null when ONNX Runtime gave none. */
    static TensorSpec of(String name, ElemType type, long[] shape, String[] dimNames, boolean rankKnown) {
        List<Long> dims = new ArrayList<>(shape.length);
        List<String> names = new ArrayList<>(shape.length);
        for (int i = 0; i < shape.length; i++) {
            dims.add(shape[i] < 0 ? -1L : shape[i]);
            String n = dimNames == null || i >= dimNames.length || dimNames[i] == null ? "" : dimNames[i];
            names.add(shape[i] < 0 ? n : "");
        }
        return new TensorSpec(name, type, dims, names, rankKnown);
    }

    public int rank() {
        return shape.size();
    }

    /** Whether axis {@code axis} has a fixed size that every input must match. */
    public boolean isFixed(int axis) {
        return shape.get(axis) >= 0;
    }

    /**
     * Shape as it reads in messages, e.g. {@code [batch, 4]}; {@code ?} for an anonymous unknown
     * dimension, {@code (any shape)} for an unknown rank.
     */
    public String shapeString() {
        if (!rankKnown) {
            return "(any shape)";
        }
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < shape.size(); i++) {
            if (i > 0) {
                b.append(", ");
            }
            b.append(isFixed(i) ? shape.get(i).toString() : dimNames.get(i).isEmpty() ? "?" : dimNames.get(i));
        }
        return b.append(']').toString();
    }

    /** For messages, e.g. {@code input_ids: int64 [batch, seq]}. */
    @Override
    public String toString() {
        return name + ": " + type.onnxName() + " " + shapeString();
    }
}
