package dev.regula.transfer.backbone;

import dev.regula.models.onnx.AttributeProto;
import dev.regula.models.onnx.GraphProto;
import dev.regula.models.onnx.NodeProto;
import dev.regula.models.onnx.TensorProto;
import dev.regula.models.onnx.ValueInfoProto;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Keeps the part of a graph that computes a set of tensors: the nodes they depend on, the
 * initializers and graph inputs those nodes read, and the value infos of kept tensors.
 * Graph outputs are left empty for the caller to set.
 *
 * <p>Written against the protobuf classes; when {@code dev.regula.models.Surgery} offers a cut,
 * this class should delegate to it.
 */
final class GraphCut {
    private GraphCut() {}

    /**
     * @param targets tensors that must stay computable
     * @param keepInputs graph inputs to keep even if no kept node reads them (e.g. the attention mask)
     */
    static GraphProto.Builder cut(GraphProto g, Set<String> targets, Set<String> keepInputs) {
        Map<String, Integer> producer = new HashMap<>();
        for (int i = 0; i < g.getNodeCount(); i++) {
            for (String out : g.getNode(i).getOutputList()) {
                producer.put(out, i);
            }
        }
        boolean[] keep = new boolean[g.getNodeCount()];
        Set<String> needed = new HashSet<>(targets);
        Deque<String> work = new ArrayDeque<>(targets);
        while (!work.isEmpty()) {
            Integer p = producer.get(work.pop());
            if (p == null || keep[p]) {
                continue;
            }
            keep[p] = true;
            for (String in : reads(g.getNode(p))) {
                if (!in.isEmpty() && needed.add(in)) {
                    work.push(in);
                }
            }
        }
        GraphProto.Builder b = g.toBuilder().clearNode().clearInput().clearOutput().clearInitializer().clearValueInfo();
        Set<String> kept = new HashSet<>(needed);
        for (int i = 0; i < g.getNodeCount(); i++) {
            if (keep[i]) {
                b.addNode(g.getNode(i));
                kept.addAll(g.getNode(i).getOutputList());
            }
        }
        for (ValueInfoProto in : g.getInputList()) {
            if (needed.contains(in.getName()) || keepInputs.contains(in.getName())) {
                b.addInput(in);
            }
        }
        for (TensorProto t : g.getInitializerList()) {
            if (needed.contains(t.getName())) {
                b.addInitializer(t);
            }
        }
        for (ValueInfoProto v : g.getValueInfoList()) {
            if (kept.contains(v.getName())) {
                b.addValueInfo(v);
            }
        }
        return b;
    }

    /** A node's inputs, plus outer-scope names read inside its subgraphs (If, Loop, Scan bodies). */
    private static List<String> reads(NodeProto n) {
        List<String> out = new ArrayList<>(n.getInputList());
        for (AttributeProto a : n.getAttributeList()) {
            if (a.hasG()) {
                subgraphReads(a.getG(), out);
            }
            for (GraphProto sg : a.getGraphsList()) {
                subgraphReads(sg, out);
            }
        }
        return out;
    }

    private static void subgraphReads(GraphProto g, List<String> out) {
        // Over-approximates (names defined inside the subgraph are included); unknown names are skipped later.
        for (NodeProto n : g.getNodeList()) {
            out.addAll(reads(n));
        }
    }
}
