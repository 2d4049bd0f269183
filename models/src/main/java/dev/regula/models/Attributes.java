package dev.regula.models;

import dev.regula.models.onnx.AttributeProto;
import dev.regula.models.onnx.GraphProto;
import dev.regula.models.onnx.TensorProto;
import java.util.Arrays;

/** Converts Java attribute values to {@link AttributeProto}s. */
final class Attributes {
    private Attributes() {
    }

    static AttributeProto of(String op, String name, Object v) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name);
        if (v instanceof Long || v instanceof Integer) {
            return a.setType(AttributeProto.AttributeType.INT).setI(((Number) v).longValue()).build();
        }
        if (v instanceof Boolean b) {
            return a.setType(AttributeProto.AttributeType.INT).setI(b ? 1 : 0).build();
        }
        if (v instanceof Float || v instanceof Double) {
            return a.setType(AttributeProto.AttributeType.FLOAT).setF(((Number) v).floatValue()).build();
        }
        if (v instanceof String s) {
            return a.setType(AttributeProto.AttributeType.STRING)
                    .setS(com.google.protobuf.ByteString.copyFromUtf8(s)).build();
        }
        if (v instanceof ElemType t) {
            return a.setType(AttributeProto.AttributeType.INT).setI(t.code()).build();
        }
        if (v instanceof long[] l) {
            a.setType(AttributeProto.AttributeType.INTS);
            Arrays.stream(l).forEach(a::addInts);
            return a.build();
        }
        if (v instanceof int[] l) {
            a.setType(AttributeProto.AttributeType.INTS);
            Arrays.stream(l).forEach(a::addInts);
            return a.build();
        }
        if (v instanceof float[] f) {
            a.setType(AttributeProto.AttributeType.FLOATS);
            for (float x : f) {
                a.addFloats(x);
            }
            return a.build();
        }
        if (v instanceof String[] s) {
            a.setType(AttributeProto.AttributeType.STRINGS);
            for (String x : s) {
                a.addStrings(com.google.protobuf.ByteString.copyFromUtf8(x));
            }
            return a.build();
        }
        if (v instanceof TensorProto t) {
            return a.setType(AttributeProto.AttributeType.TENSOR).setT(t).build();
        }
        if (v instanceof GraphProto g) {
            return a.setType(AttributeProto.AttributeType.GRAPH).setG(g).build();
        }
        throw new IllegalArgumentException("Attribute '" + name + "' of " + op + " has value " + v
                + (v == null ? "" : " (" + v.getClass().getSimpleName() + ")")
                + ", expected Long/Integer, Boolean, Float/Double, String, long[]/int[], float[], String[],"
                + " ElemType, TensorProto or GraphProto");
    }
}
