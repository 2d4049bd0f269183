package dev.regula.transfer.finetune;

import java.util.List;
import java.util.Objects;

/**
 * One repeated block of a transformer graph, found by its node-name prefix.
 *
 * @param index  the layer number in the names ({@code 5} of {@code /encoder/layer.5/})
 * @param prefix the node-name prefix shared by the layer's nodes, e.g. {@code /encoder/layer.5/}
 * @param input  the hidden-state tensor entering the layer: the cut that unfreezes it and every layer above
 * @param nodes  indices of the layer's nodes in the graph's node list
 */
public record TransformerLayer(int index, String prefix, String input, List<Integer> nodes) {
    public TransformerLayer {
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(input, "input");
        nodes = List.copyOf(nodes);
        if (nodes.isEmpty()) {
            throw new IllegalArgumentException("layer " + index + " (" + prefix + ") has no nodes");
        }
    }
}
