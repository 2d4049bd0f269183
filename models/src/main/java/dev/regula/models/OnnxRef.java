package dev.regula.models;

import java.util.Objects;

/**
 * A tensor of a graph under construction, named as it is in the graph. Handed out by a
 * {@link GraphBuilder}; that builder refuses a ref whose name it does not hold.
 *
 * @param name the tensor's name in the graph
 */
public record OnnxRef(String name) {
    public OnnxRef {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("An OnnxRef needs a non-empty tensor name");
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
