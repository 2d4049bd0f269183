package dev.regula.models;

import dev.regula.models.onnx.AttributeProto;
import dev.regula.models.onnx.GraphProto;
import dev.regula.models.onnx.ModelProto;
import dev.regula.models.onnx.NodeProto;
import dev.regula.models.onnx.OperatorSetIdProto;
import dev.regula.models.onnx.TensorProto;
import dev.regula.models.onnx.TensorShapeProto;
import dev.regula.models.onnx.ValueInfoProto;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Consumer;

/** Walks over graphs (subgraphs included) for the builder and surgery. */
final class Graphs {
    private Graphs() {
    }

    static boolean isDefaultDomain(String domain) {
        return domain.isEmpty() || domain.equals("ai.onnx");
    }

    /** The model's ai.onnx opset, or -1 when it imports none. */
    static int defaultOpset(ModelProto m) {
        for (OperatorSetIdProto o : m.getOpsetImportList()) {
            if (isDefaultDomain(o.getDomain())) {
                return Math.toIntExact(o.getVersion());
            }
        }
        return -1;
    }

    /** Calls {@code action} on every node of {@code g} and of its subgraphs, outer nodes first. */
    static void forEachNode(GraphProto g, Consumer<NodeProto> action) {
        for (NodeProto n : g.getNodeList()) {
            action.accept(n);
            for (GraphProto sub : subgraphs(n)) {
                forEachNode(sub, action);
            }
        }
    }

    static List<GraphProto> subgraphs(NodeProto n) {
        List<GraphProto> out = new ArrayList<>();
        for (AttributeProto a : n.getAttributeList()) {
            if (a.hasG()) {
                out.add(a.getG());
            }
            out.addAll(a.getGraphsList());
        }
        return out;
    }

    /** Every name in the graph and its subgraphs: tensors, nodes and value infos. */
    static Set<String> allNames(GraphProto g) {
        Set<String> names = new LinkedHashSet<>();
        collectNames(g, names);
        names.remove("");
        return names;
    }

    private static void collectNames(GraphProto g, Set<String> names) {
        g.getInputList().forEach(v -> names.add(v.getName()));
        g.getOutputList().forEach(v -> names.add(v.getName()));
        g.getValueInfoList().forEach(v -> names.add(v.getName()));
        g.getInitializerList().forEach(t -> names.add(t.getName()));
        g.getSparseInitializerList().forEach(t -> names.add(t.getValues().getName()));
        for (NodeProto n : g.getNodeList()) {
            names.add(n.getName());
            names.addAll(n.getInputList());
            names.addAll(n.getOutputList());
            for (GraphProto sub : subgraphs(n)) {
                collectNames(sub, names);
            }
        }
    }

    /** Tensors visible at the top level of {@code g}: inputs, initializers and node outputs. */
    static Set<String> topTensors(GraphProto g) {
        Set<String> t = new LinkedHashSet<>();
        g.getInputList().forEach(v -> t.add(v.getName()));
        g.getInitializerList().forEach(i -> t.add(i.getName()));
        g.getSparseInitializerList().forEach(i -> t.add(i.getValues().getName()));
        g.getNodeList().forEach(n -> t.addAll(n.getOutputList()));
        t.remove("");
        return t;
    }

    /** Declared ranks of top-level tensors (inputs, outputs, value infos, initializers). */
    static Map<String, Integer> declaredRanks(GraphProto g) {
        Map<String, Integer> ranks = new HashMap<>();
        List<ValueInfoProto> infos = new ArrayList<>(g.getInputList());
        infos.addAll(g.getOutputList());
        infos.addAll(g.getValueInfoList());
        for (ValueInfoProto v : infos) {
            if (v.getType().hasTensorType() && v.getType().getTensorType().hasShape()) {
                TensorShapeProto s = v.getType().getTensorType().getShape();
                ranks.put(v.getName(), s.getDimCount());
            }
        }
        for (TensorProto t : g.getInitializerList()) {
            ranks.put(t.getName(), t.getDimsCount());
        }
        return ranks;
    }

    static OptionalInt rank(Map<String, Integer> ranks, String name) {
        Integer r = ranks.get(name);
        return r == null ? OptionalInt.empty() : OptionalInt.of(r);
    }

    /** Up to five names from {@code candidates} closest to {@code name}, for "did you mean" messages. */
    static List<String> nearest(String name, Collection<String> candidates) {
        String lower = name.toLowerCase(java.util.Locale.ROOT);
        return candidates.stream()
                .sorted(Comparator.comparingInt((String c) -> distance(lower, c.toLowerCase(java.util.Locale.ROOT)))
                        .thenComparing(Comparator.naturalOrder()))
                .limit(5).toList();
    }

    private static int distance(String a, String b) {
        int d = EditDistance.between(a, b);
        // A substring match ("hidden" for "last_hidden_state") ranks ahead of an edit-distance tie.
        return b.contains(a) || a.contains(b) ? Math.min(d, Math.abs(a.length() - b.length()) / 2) : d;
    }
}
