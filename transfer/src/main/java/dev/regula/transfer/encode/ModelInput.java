package dev.regula.transfer.encode;

import dev.regula.models.ElemType;
import dev.regula.models.onnx.GraphProto;
import dev.regula.models.onnx.ModelProto;
import dev.regula.models.onnx.TensorProto;
import dev.regula.models.onnx.TensorShapeProto;
import dev.regula.models.onnx.ValueInfoProto;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One input a model must be fed, as its graph declares it.
 *
 * @param name the graph input's name
 * @param type element type, or {@code null} when the type is not one Regula names (then no encoder fits)
 * @param dims one entry per axis: a number, a symbolic name, or {@code "?"} when unknown;
 *     empty when the rank is unknown
 */
public record ModelInput(String name, ElemType type, List<String> dims) {
    public ModelInput {
        Objects.requireNonNull(name, "name");
        dims = List.copyOf(dims);
    }

    /** The graph inputs of {@code model} that are not initializers, in declaration order. */
    public static List<ModelInput> of(ModelProto model) {
        GraphProto g = model.getGraph();
        Set<String> init = new HashSet<>();
        for (TensorProto t : g.getInitializerList()) {
            init.add(t.getName());
        }
        List<ModelInput> out = new ArrayList<>();
        for (ValueInfoProto v : g.getInputList()) {
            if (!init.contains(v.getName())) {
                out.add(of(v));
            }
        }
        return List.copyOf(out);
    }

    static ModelInput of(ValueInfoProto v) {
        ElemType type = null;
        List<String> dims = new ArrayList<>();
        if (v.getType().hasTensorType()) {
            var tt = v.getType().getTensorType();
            try {
                type = ElemType.fromCode(tt.getElemType());
            } catch (IllegalArgumentException e) {
                type = null;
            }
            if (tt.hasShape()) {
                for (TensorShapeProto.Dimension d : tt.getShape().getDimList()) {
                    dims.add(d.hasDimValue() ? Long.toString(d.getDimValue()) : d.hasDimParam() ? d.getDimParam() : "?");
                }
            }
        }
        return new ModelInput(v.getName(), type, dims);
    }

    /** Size of axis {@code i} when it is a fixed number, else -1. */
    public long fixedDim(int i) {
        String d = dims.get(i);
        return d.chars().allMatch(Character::isDigit) && !d.isEmpty() ? Long.parseLong(d) : -1;
    }

    /** Rank, or -1 when unknown. */
    public int rank() {
        return dims.isEmpty() ? -1 : dims.size();
    }

    /** E.g. {@code input_ids: int64[batch, sequence]}. */
    @Override
    public String toString() {
        return name + ": " + (type == null ? "unsupported type" : type.onnxName()) + (dims.isEmpty() ? "[?]" : dims.toString());
    }
}
