package dev.regula.transfer.finetune;

import dev.regula.models.onnx.GraphProto;
import dev.regula.models.onnx.NodeProto;
import dev.regula.models.onnx.TensorProto;
import dev.regula.models.onnx.ValueInfoProto;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The part of a graph that computes {@code outputs} once the {@code cuts} tensors are given: the
 * nodes between them in graph order, and the tensors it must be fed (the cuts, then every graph
 * input the part still reads, such as the attention mask a transformer layer needs).
 *
 * @param graph        the whole graph
 * @param nodes        indices into the graph's node list, in graph (topological) order
 * @param feeds        the tensors a caller feeds: cuts first, then graph inputs in graph order
 * @param outputs      the tensors computed
 * @param initializers the initializers the nodes read, in graph order
 */
public record Subgraph(GraphProto graph, List<Integer> nodes, List<String> feeds, List<String> outputs, List<String> initializers) {
    public Subgraph {
        Objects.requireNonNull(graph, "graph");
        nodes = List.copyOf(nodes);
        feeds = List.copyOf(feeds);
        outputs = List.copyOf(outputs);
        initializers = List.copyOf(initializers);
    }

    /** The whole graph: every node its outputs need, fed by the graph inputs. */
    public static Subgraph whole(GraphProto graph) throws InterpreterException {
        return between(graph, List.of(), graph.getOutputList().stream().map(ValueInfoProto::getName).toList());
    }

    /**
     * The nodes that compute {@code outputs} from {@code cuts}, graph inputs and initializers.
     *
     * @throws InterpreterException if a cut or output names no tensor of the graph, a cut lies on no
     *                              path to the outputs, or the graph is not in topological order
     */
    public static Subgraph between(GraphProto graph, List<String> cuts, List<String> outputs) throws InterpreterException {
        Map<String, Integer> producer = new HashMap<>();
        for (int i = 0; i < graph.getNodeCount(); i++) {
            for (String o : graph.getNode(i).getOutputList()) {
                if (!o.isEmpty()) {
                    producer.put(o, i);
                }
            }
        }
        Set<String> inits = new HashSet<>();
        for (TensorProto t : graph.getInitializerList()) {
            inits.add(t.getName());
        }
        Set<String> inputs = new LinkedHashSet<>();
        for (ValueInfoProto v : graph.getInputList()) {
            if (!inits.contains(v.getName())) {
                inputs.add(v.getName());
            }
        }
        Set<String> cutSet = new LinkedHashSet<>(cuts);
        for (String c : cutSet) {
            if (!producer.containsKey(c) && !inputs.contains(c)) {
                throw new InterpreterException("cut tensor '" + c + "' is neither a node output nor a graph input of graph '"
                        + graph.getName() + "'");
            }
        }
        if (outputs.isEmpty()) {
            throw new InterpreterException("no outputs asked of graph '" + graph.getName() + "', expected at least one");
        }
        boolean[] needed = new boolean[graph.getNodeCount()];
        Set<String> usedCuts = new HashSet<>();
        Set<String> usedInputs = new HashSet<>();
        Set<String> usedInits = new HashSet<>();
        Deque<String> todo = new ArrayDeque<>(outputs);
        Set<String> seen = new HashSet<>();
        while (!todo.isEmpty()) {
            String t = todo.pop();
            if (t.isEmpty() || !seen.add(t)) {
                continue;
            }
            if (cutSet.contains(t)) {
                usedCuts.add(t);
            } else if (inits.contains(t)) {
                usedInits.add(t);
            } else if (producer.containsKey(t)) {
                int i = producer.get(t);
                if (!needed[i]) {
                    needed[i] = true;
                    todo.addAll(graph.getNode(i).getInputList());
                }
            } else if (inputs.contains(t)) {
                usedInputs.add(t);
            } else {
                throw new InterpreterException("tensor '" + t + "' is neither a node output, a graph input nor an initializer"
                        + " of graph '" + graph.getName() + "'");
            }
        }
        for (String c : cutSet) {
            if (!usedCuts.contains(c)) {
                throw new InterpreterException("cut tensor '" + c + "' lies on no path to the outputs " + outputs);
            }
        }
        List<Integer> order = new ArrayList<>();
        Set<String> defined = new HashSet<>(cutSet);
        defined.addAll(usedInputs);
        defined.addAll(usedInits);
        for (int i = 0; i < needed.length; i++) {
            if (!needed[i]) {
                continue;
            }
            NodeProto n = graph.getNode(i);
            for (String in : n.getInputList()) {
                if (!in.isEmpty() && !defined.contains(in)) {
                    throw new InterpreterException("input '" + in + "' is used before the node that computes it;"
                            + " expected the graph's nodes in topological order", n.getOpType(), n.getName(), i, null);
                }
            }
            order.add(i);
            defined.addAll(n.getOutputList());
        }
        List<String> feeds = new ArrayList<>(cutSet);
        inputs.stream().filter(usedInputs::contains).forEach(feeds::add);
        List<String> usedInitList = graph.getInitializerList().stream().map(TensorProto::getName).filter(usedInits::contains).toList();
        return new Subgraph(graph, order, feeds, outputs, usedInitList);
    }
}
