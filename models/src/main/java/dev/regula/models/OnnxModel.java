package dev.regula.models;

import dev.regula.models.onnx.ModelProto;
import java.util.Objects;

/**
 * An ONNX model held as data. Immutable: every change returns a new instance.
 *
 * <p>CONTRACT STUB written before the models work was split up; the read/write/inspect half
 * is filled in by the models I/O work. Keep {@link #of(ModelProto)} and {@link #proto()}.
 */
public final class OnnxModel {
    private final ModelProto proto;

    private OnnxModel(ModelProto proto) {
        this.proto = Objects.requireNonNull(proto, "proto");
    }

    /** Wraps a model built in memory (by the graph builder or surgery). */
    public static OnnxModel of(ModelProto proto) {
        return new OnnxModel(proto);
    }

    public ModelProto proto() {
        return proto;
    }
}
