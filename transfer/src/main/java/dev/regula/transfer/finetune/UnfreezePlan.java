package dev.regula.transfer.finetune;

import dev.regula.models.onnx.GraphProto;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Where a backbone is cut to unfreeze its top, and which initializers then train.
 *
 * @param cut       the hidden-state tensor the unfrozen part is fed (cached once)
 * @param trainable the initializers of the transformer layers above the cut, in graph order; constants
 *                  of other nodes above it (pooling, normalization appended by Regula) stay fixed
 * @param layers    how many transformer layers lie above the cut
 */
public record UnfreezePlan(String cut, Set<String> trainable, int layers) {
    public UnfreezePlan {
        Objects.requireNonNull(cut, "cut");
        trainable = java.util.Collections.unmodifiableSet(new LinkedHashSet<>(trainable));
        if (trainable.isEmpty()) {
            throw new IllegalArgumentException("nothing to train above cut '" + cut + "': no transformer layer lies above it");
        }
    }

    /** The last {@code n} layers, detected from node names ({@link LayerBoundaries}). */
    public static UnfreezePlan lastLayers(GraphProto g, int n) throws InterpreterException {
        String cut = LayerBoundaries.cutBeforeLast(g, n);
        List<TransformerLayer> layers = LayerBoundaries.detect(g);
        return new UnfreezePlan(cut, LayerBoundaries.initializersOf(g, layers.subList(layers.size() - n, layers.size())), n);
    }

    /**
     * Cut at a named tensor: the layers whose nodes lie between it and {@code output} train.
     *
     * @throws InterpreterException if the tensor is not in the graph, lies on no path to {@code output},
     *                              or no detected layer lies above it
     */
    public static UnfreezePlan atTensor(GraphProto g, String cut, String output) throws InterpreterException {
        Subgraph above = Subgraph.between(g, List.of(cut), List.of(output));
        Set<Integer> nodes = new java.util.HashSet<>(above.nodes());
        // A layer trains only when all of it runs above the cut and none of it is needed to compute
        // the cut: a tensor inside a layer would otherwise pull that layer (and those below) back in.
        Set<Integer> below = ancestors(g, cut);
        List<TransformerLayer> inside = LayerBoundaries.detect(g).stream()
                .filter(l -> l.nodes().stream().allMatch(i -> nodes.contains(i) && !below.contains(i))).toList();
        if (inside.isEmpty()) {
            throw new InterpreterException("no whole transformer layer lies between cut '" + cut + "' and '" + output
                    + "'; expected the hidden state entering a layer");
        }
        return new UnfreezePlan(cut, LayerBoundaries.initializersOf(g, inside), inside.size());
    }

    /** The nodes {@code tensor} is computed from (its producer included). */
    private static Set<Integer> ancestors(GraphProto g, String tensor) {
        java.util.Map<String, Integer> producer = new java.util.HashMap<>();
        for (int i = 0; i < g.getNodeCount(); i++) {
            for (String o : g.getNode(i).getOutputList()) {
                producer.put(o, i);
            }
        }
        Set<Integer> seen = new java.util.HashSet<>();
        java.util.Deque<String> todo = new java.util.ArrayDeque<>(List.of(tensor));
        while (!todo.isEmpty()) {
            Integer p = producer.get(todo.pop());
            if (p != null && seen.add(p)) {
                todo.addAll(g.getNode(p).getInputList());
            }
        }
        return seen;
    }
}
