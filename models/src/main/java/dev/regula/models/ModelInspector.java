package dev.regula.models;

import dev.regula.models.onnx.GraphProto;
import dev.regula.models.onnx.ModelProto;
import dev.regula.models.onnx.OperatorSetIdProto;
import dev.regula.models.onnx.SparseTensorProto;
import dev.regula.models.onnx.StringStringEntryProto;
import dev.regula.models.onnx.TensorProto;
import dev.regula.models.onnx.TensorShapeProto;
import dev.regula.models.onnx.TypeProto;
import dev.regula.models.onnx.ValueInfoProto;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Builds {@link ModelInfo} from a model proto. */
final class ModelInspector {
    private ModelInspector() {
    }

    static ModelInfo inspect(ModelProto m) {
        GraphProto g = m.getGraph();
        Map<String, Long> opsets = new LinkedHashMap<>();
        for (OperatorSetIdProto o : m.getOpsetImportList()) {
            opsets.put(o.getDomain(), o.getVersion());
        }
        Set<String> initNames = new HashSet<>();
        long bytes = 0;
        long params = 0;
        for (TensorProto t : g.getInitializerList()) {
            initNames.add(t.getName());
            bytes += tensorBytes(t);
            params += Math.max(0, DataTypes.elementCount(t));
        }
        for (SparseTensorProto s : g.getSparseInitializerList()) {
            initNames.add(s.getValues().getName());
            bytes += tensorBytes(s.getValues()) + tensorBytes(s.getIndices());
            params += Math.max(0, DataTypes.elementCount(s.getValues()));
        }
        List<TensorInfo> inputs = new ArrayList<>();
        for (ValueInfoProto v : g.getInputList()) {
            if (!initNames.contains(v.getName())) {
                inputs.add(info(v));
            }
        }
        List<TensorInfo> outputs = new ArrayList<>();
        for (ValueInfoProto v : g.getOutputList()) {
            outputs.add(info(v));
        }
        Map<String, String> meta = new LinkedHashMap<>();
        for (StringStringEntryProto e : m.getMetadataPropsList()) {
            meta.put(e.getKey(), e.getValue());
        }
        return new ModelInfo(m.getIrVersion(), m.getProducerName(), m.getProducerVersion(), opsets, inputs, outputs,
                g.getInitializerCount() + g.getSparseInitializerCount(), bytes, params, meta);
    }

    private static long tensorBytes(TensorProto t) {
        if (ExternalData.isExternal(t)) {
            for (StringStringEntryProto e : t.getExternalDataList()) {
                if (e.getKey().equals("length")) {
                    try {
                        return Math.max(0, Long.parseLong(e.getValue().trim()));
                    } catch (NumberFormatException ignored) {
                        break; // read() refuses such files; a model built in memory falls back to the dims
                    }
                }
            }
            long n = DataTypes.elementCount(t);
            return n < 0 ? 0 : Math.max(0, DataTypes.rawBytes(t.getDataType(), n));
        }
        return DataTypes.inlineBytes(t);
    }

    private static TensorInfo info(ValueInfoProto v) {
        TypeProto type = v.getType();
        if (type.hasTensorType()) {
            TypeProto.Tensor t = type.getTensorType();
            return new TensorInfo(v.getName(), DataTypes.name(t.getElemType()), t.hasShape() ? dims(t.getShape()) : null);
        }
        if (type.hasSparseTensorType()) {
            TypeProto.SparseTensor t = type.getSparseTensorType();
            return new TensorInfo(v.getName(), typeText(type), t.hasShape() ? dims(t.getShape()) : null);
        }
        return new TensorInfo(v.getName(), typeText(type), null);
    }

    private static List<Dim> dims(TensorShapeProto shape) {
        List<Dim> dims = new ArrayList<>();
        for (TensorShapeProto.Dimension d : shape.getDimList()) {
            if (d.hasDimValue() && d.getDimValue() >= 0) {
                dims.add(Dim.fixed(d.getDimValue()));
            } else if (d.hasDimParam() && !d.getDimParam().isEmpty()) {
                dims.add(Dim.symbolic(d.getDimParam()));
            } else {
                dims.add(Dim.unknown());
            }
        }
        return dims;
    }

    /** ONNX's own spelling of a type, as in operator schemas: {@code tensor(float)}, {@code seq(tensor(int64))}. */
    static String typeText(TypeProto t) {
        if (t.hasTensorType()) {
            return "tensor(" + DataTypes.name(t.getTensorType().getElemType()) + ")";
        }
        if (t.hasSparseTensorType()) {
            return "sparse_tensor(" + DataTypes.name(t.getSparseTensorType().getElemType()) + ")";
        }
        if (t.hasSequenceType()) {
            return "seq(" + typeText(t.getSequenceType().getElemType()) + ")";
        }
        if (t.hasMapType()) {
            return "map(" + DataTypes.name(t.getMapType().getKeyType()) + "," + typeText(t.getMapType().getValueType()) + ")";
        }
        if (t.hasOptionalType()) {
            return "optional(" + typeText(t.getOptionalType().getElemType()) + ")";
        }
        return "undefined";
    }
}
