package dev.regula.models;

import com.google.protobuf.ByteString;
import dev.regula.models.onnx.GraphProto;
import dev.regula.models.onnx.ModelProto;
import dev.regula.models.onnx.NodeProto;
import dev.regula.models.onnx.OperatorSetIdProto;
import dev.regula.models.onnx.TensorProto;
import dev.regula.models.onnx.TensorShapeProto;
import dev.regula.models.onnx.TypeProto;
import dev.regula.models.onnx.ValueInfoProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Small models built by hand in protobuf, for tests that must not depend on the graph builder. */
final class TinyModels {
    private TinyModels() {
    }

    /** y = x + b, x float [batch, 3], b an initializer {1, 2, 3}. */
    static ModelProto add() {
        GraphProto g = GraphProto.newBuilder().setName("tiny")
                .addInput(value("x", TensorProto.DataType.FLOAT, "batch", 3))
                .addInitializer(floats("b", new float[] {1, 2, 3}, 3))
                .addNode(node("add0", "Add", new String[] {"x", "b"}, "y"))
                .addOutput(value("y", TensorProto.DataType.FLOAT, "batch", 3))
                .build();
        return ModelProto.newBuilder().setIrVersion(8).setProducerName("regula-test").setProducerVersion("0")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(17))
                .setGraph(g).build();
    }

    static TensorProto floats(String name, float[] values, long... dims) {
        ByteBuffer buf = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            buf.putFloat(v);
        }
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE)
                .setRawData(ByteString.copyFrom(buf.array()));
        for (long d : dims) {
            t.addDims(d);
        }
        return t.build();
    }

    static NodeProto node(String name, String op, String[] inputs, String... outputs) {
        NodeProto.Builder n = NodeProto.newBuilder().setName(name).setOpType(op);
        for (String i : inputs) {
            n.addInput(i);
        }
        for (String o : outputs) {
            n.addOutput(o);
        }
        return n.build();
    }

    /** A tensor value; each dim is a Long/Integer (fixed) or a String (symbolic). */
    static ValueInfoProto value(String name, TensorProto.DataType type, Object... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (Object d : dims) {
            TensorShapeProto.Dimension.Builder dim = TensorShapeProto.Dimension.newBuilder();
            if (d instanceof String s) {
                dim.setDimParam(s);
            } else if (d != null) {
                dim.setDimValue(((Number) d).longValue());
            }
            shape.addDim(dim);
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(type.getNumber()).setShape(shape))).build();
    }
}
