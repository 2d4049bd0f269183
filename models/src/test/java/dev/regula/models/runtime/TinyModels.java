package dev.regula.models.runtime;

import dev.regula.models.onnx.AttributeProto;
import dev.regula.models.onnx.GraphProto;
import dev.regula.models.onnx.ModelProto;
import dev.regula.models.onnx.NodeProto;
import dev.regula.models.onnx.OperatorSetIdProto;
import dev.regula.models.onnx.TensorProto;
import dev.regula.models.onnx.TensorShapeProto;
import dev.regula.models.onnx.TypeProto;
import dev.regula.models.onnx.ValueInfoProto;
import java.util.List;

/**
 * Tiny ONNX models (IR 8, opset 17) built directly from the protobuf classes, so these tests do not
 * depend on the graph builder. Dimensions are {@code Long} (fixed) or {@code String} (symbolic).
 */
final class TinyModels {
    /** Embedding table of {@link #classifier()}: 4 ids x 2 features. */
    static final float[][] EMBEDDING = {{0.5f, -1f}, {1.5f, 0.25f}, {-0.75f, 2f}, {0f, 0.125f}};
    /** Projection of {@link #classifier()}: 2 features x 3 classes. */
    static final float[][] WEIGHTS = {{1f, -2f, 0.5f}, {0.25f, 1f, -1.5f}};

    private TinyModels() {
    }

    /** {@code sum = a + b}, both float {@code [batch, 3]}. */
    static ModelProto add() {
        GraphProto g = GraphProto.newBuilder().setName("add")
                .addInput(tensor("a", TensorProto.DataType.FLOAT, "batch", 3L))
                .addInput(tensor("b", TensorProto.DataType.FLOAT, "batch", 3L))
                .addOutput(tensor("sum", TensorProto.DataType.FLOAT, "batch", 3L))
                .addNode(node("Add", List.of("a", "b"), List.of("sum")))
                .build();
        return model(g);
    }

    /**
     * A classifier over an int64 id and a float feature vector:
     * {@code logits = (x + EMBEDDING[ids]) @ WEIGHTS}, {@code probs = softmax(logits)},
     * {@code label = argmax(probs)}. Inputs {@code ids: int64 [batch]}, {@code x: float [batch, 2]};
     * outputs {@code probs: float [batch, 3]}, {@code label: int64 [batch]}.
     */
    static ModelProto classifier() {
        GraphProto g = GraphProto.newBuilder().setName("classifier")
                .addInput(tensor("ids", TensorProto.DataType.INT64, "batch"))
                .addInput(tensor("x", TensorProto.DataType.FLOAT, "batch", 2L))
                .addOutput(tensor("probs", TensorProto.DataType.FLOAT, "batch", 3L))
                .addOutput(tensor("label", TensorProto.DataType.INT64, "batch"))
                .addInitializer(floats("embedding", EMBEDDING))
                .addInitializer(floats("weights", WEIGHTS))
                .addNode(node("Gather", List.of("embedding", "ids"), List.of("embedded"), intAttr("axis", 0)))
                .addNode(node("Add", List.of("x", "embedded"), List.of("hidden")))
                .addNode(node("MatMul", List.of("hidden", "weights"), List.of("logits")))
                .addNode(node("Softmax", List.of("logits"), List.of("probs"), intAttr("axis", -1)))
                .addNode(node("ArgMax", List.of("probs"), List.of("label"), intAttr("axis", 1), intAttr("keepdims", 0)))
                .build();
        return model(g);
    }

    /** {@code flipped = not(flags)} on bool {@code [n]} and {@code negated = -counts} on int32 {@code [n]}. */
    static ModelProto boolAndInt() {
        GraphProto g = GraphProto.newBuilder().setName("bool_and_int")
                .addInput(tensor("flags", TensorProto.DataType.BOOL, "n"))
                .addInput(tensor("counts", TensorProto.DataType.INT32, "n"))
                .addOutput(tensor("flipped", TensorProto.DataType.BOOL, "n"))
                .addOutput(tensor("negated", TensorProto.DataType.INT32, "n"))
                .addNode(node("Not", List.of("flags"), List.of("flipped")))
                .addNode(node("Neg", List.of("counts"), List.of("negated")))
                .build();
        return model(g);
    }

    /**
     * {@code y = x + s} where {@code x: float} is declared without any shape (unknown rank) and
     * {@code s: float []} is a declared scalar. ONNX Runtime reports both as rank 0.
     */
    static ModelProto unknownRankPlusScalar() {
        ValueInfoProto x = ValueInfoProto.newBuilder().setName("x").setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT.getNumber()))).build();
        GraphProto g = GraphProto.newBuilder().setName("unknown_rank")
                .addInput(x)
                .addInput(tensor("s", TensorProto.DataType.FLOAT))
                .addOutput(ValueInfoProto.newBuilder().setName("y").setType(x.getType()))
                .addNode(node("Add", List.of("x", "s"), List.of("y")))
                .build();
        return model(g);
    }

    /** The classifier computed in Java (double accumulation, like a hand calculation): probabilities per row. */
    static double[][] classifierProbs(long[] ids, float[] x) {
        int batch = ids.length;
        double[][] probs = new double[batch][3];
        for (int r = 0; r < batch; r++) {
            double h0 = x[2 * r] + EMBEDDING[(int) ids[r]][0];
            double h1 = x[2 * r + 1] + EMBEDDING[(int) ids[r]][1];
            double[] logits = new double[3];
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < 3; c++) {
                logits[c] = h0 * WEIGHTS[0][c] + h1 * WEIGHTS[1][c];
                max = Math.max(max, logits[c]);
            }
            double sum = 0;
            for (int c = 0; c < 3; c++) {
                probs[r][c] = Math.exp(logits[c] - max);
                sum += probs[r][c];
            }
            for (int c = 0; c < 3; c++) {
                probs[r][c] /= sum;
            }
        }
        return probs;
    }

    static ModelProto model(GraphProto graph) {
        return ModelProto.newBuilder()
                .setIrVersion(8)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(17))
                .setProducerName("regula-runtime-tests")
                .setGraph(graph)
                .build();
    }

    /** A tensor value info; each dim is a {@code Long} size or a {@code String} symbol. */
    static ValueInfoProto tensor(String name, TensorProto.DataType type, Object... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (Object d : dims) {
            TensorShapeProto.Dimension.Builder dim = TensorShapeProto.Dimension.newBuilder();
            if (d instanceof Long size) {
                dim.setDimValue(size);
            } else {
                dim.setDimParam((String) d);
            }
            shape.addDim(dim);
        }
        return ValueInfoProto.newBuilder().setName(name)
                .setType(TypeProto.newBuilder().setTensorType(
                        TypeProto.Tensor.newBuilder().setElemType(type.getNumber()).setShape(shape)))
                .build();
    }

    static NodeProto node(String op, List<String> inputs, List<String> outputs, AttributeProto... attrs) {
        return NodeProto.newBuilder().setOpType(op).setName(op + "_" + outputs.get(0))
                .addAllInput(inputs).addAllOutput(outputs).addAllAttribute(List.of(attrs)).build();
    }

    static AttributeProto intAttr(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    static TensorProto floats(String name, float[][] rows) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name)
                .setDataType(TensorProto.DataType.FLOAT.getNumber())
                .addDims(rows.length).addDims(rows[0].length);
        for (float[] row : rows) {
            for (float v : row) {
                t.addFloatData(v);
            }
        }
        return t.build();
    }
}
