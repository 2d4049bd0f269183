package dev.regula.models.runtime;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import dev.regula.models.onnx.TypeProto;
import dev.regula.models.onnx.ValueInfoProto;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashSet;
import java.util.Set;

/**
 * Finds graph inputs declared without any shape (unknown rank). ONNX Runtime reports those as
 * rank 0, like a true scalar, so without this an input of unknown rank would wrongly reject every
 * non-scalar tensor.
 *
 * <p>Reads only {@code ModelProto.graph.input} from the wire and skips everything else, so the
 * initializers of a large model are streamed past rather than parsed.
 */
final class UnknownRankInputs {
    private static final int MODEL_GRAPH = 7;
    private static final int GRAPH_INPUT = 11;

    private UnknownRankInputs() {
    }

    static Set<String> read(InputStream stream) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(stream);
        in.setSizeLimit(Integer.MAX_VALUE);
        Set<String> unknown = new HashSet<>();
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            if (WireFormat.getTagFieldNumber(tag) == MODEL_GRAPH
                    && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                int limit = in.pushLimit(in.readRawVarint32());
                for (int g = in.readTag(); g != 0; g = in.readTag()) {
                    if (WireFormat.getTagFieldNumber(g) == GRAPH_INPUT
                            && WireFormat.getTagWireType(g) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                        ValueInfoProto input = ValueInfoProto.parseFrom(in.readBytes());
                        TypeProto type = input.getType();
                        if (type.hasTensorType() && !type.getTensorType().hasShape()) {
                            unknown.add(input.getName());
                        }
                    } else {
                        in.skipField(g);
                    }
                }
                in.popLimit(limit);
            } else {
                in.skipField(tag);
            }
        }
        return unknown;
    }
}
