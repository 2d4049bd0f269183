package dev.regula.transfer.finetune;

import dev.regula.models.onnx.GraphProto;
import dev.regula.models.onnx.NodeProto;
import dev.regula.models.onnx.TensorProto;
import dev.regula.models.onnx.ValueInfoProto;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the layers of a transformer graph from its node names, as PyTorch's exporter writes them
 * ({@code /encoder/layer.5/attention/self/MatMul}, {@code /transformer/layer.3/...},
 * {@code /h.11/...}), and the hidden-state tensor that enters each: cutting there runs the layers
 * above on cached hidden states.
 */
public final class LayerBoundaries {
    /** A path segment {@code layer.N}, {@code layers.N}, {@code h.N}, {@code block.N} or {@code blocks.N} (or with {@code _}). */
    private static final Pattern LAYER = Pattern.compile("^(.*?(?:^|/)(?:layer|layers|h|block|blocks)[._])(\\d+)/");

    private LayerBoundaries() {
    }

    /**
     * The layers in order of their number.
     *
     * @throws InterpreterException if no node name has a layer prefix, the numbers have gaps, or a
     *                              layer's entering hidden state cannot be told apart
     */
    public static List<TransformerLayer> detect(GraphProto g) throws InterpreterException {
        Map<String, Integer> stemCounts = new HashMap<>();
        String[] stems = new String[g.getNodeCount()];
        int[] numbers = new int[g.getNodeCount()];
        for (int i = 0; i < g.getNodeCount(); i++) {
            Matcher m = LAYER.matcher(g.getNode(i).getName());
            if (m.find()) {
                stems[i] = m.group(1);
                numbers[i] = Integer.parseInt(m.group(2));
                stemCounts.merge(stems[i], 1, Integer::sum);
            }
        }
        if (stemCounts.isEmpty()) {
            throw new InterpreterException("no node of graph '" + g.getName() + "' has a layer prefix in its name"
                    + " (like /encoder/layer.5/); name the cut tensor instead");
        }
        String stem = stemCounts.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        TreeMap<Integer, List<Integer>> byLayer = new TreeMap<>();
        int[] layerOf = new int[g.getNodeCount()];
        for (int i = 0; i < g.getNodeCount(); i++) {
            layerOf[i] = stem.equals(stems[i]) ? numbers[i] : -1;
            if (layerOf[i] >= 0) {
                byLayer.computeIfAbsent(numbers[i], k -> new ArrayList<>()).add(i);
            }
        }
        int first = byLayer.firstKey();
        if (byLayer.lastKey() - first + 1 != byLayer.size()) {
            throw new InterpreterException("layers under '" + stem + "' are numbered " + byLayer.keySet()
                    + ", expected consecutive numbers; name the cut tensor instead");
        }
        Map<String, Integer> producer = new HashMap<>();
        for (int i = 0; i < g.getNodeCount(); i++) {
            for (String o : g.getNode(i).getOutputList()) {
                producer.put(o, i);
            }
        }
        Set<String> inits = new HashSet<>();
        g.getInitializerList().stream().map(TensorProto::getName).forEach(inits::add);
        Set<String> inputs = new HashSet<>();
        g.getInputList().stream().map(ValueInfoProto::getName).forEach(inputs::add);
        List<TransformerLayer> layers = new ArrayList<>();
        for (Map.Entry<Integer, List<Integer>> e : byLayer.entrySet()) {
            int k = e.getKey();
            Map<String, Integer> uses = new LinkedHashMap<>();
            for (int i : e.getValue()) {
                for (String in : g.getNode(i).getInputList()) {
                    if (in.isEmpty() || inits.contains(in)) {
                        continue;
                    }
                    Integer p = producer.get(in);
                    boolean fromBelow = p == null ? inputs.contains(in)
                            : layerOf[p] != k && !g.getNode(p).getOpType().equals("Constant")
                              && (k == first ? layerOf[p] < 0 : layerOf[p] == k - 1);
                    if (fromBelow) {
                        uses.merge(in, 1, Integer::sum);
                    }
                }
            }
            layers.add(new TransformerLayer(k, stem + k + "/", enteringTensor(g, stem + k + "/", uses), e.getValue()));
        }
        return List.copyOf(layers);
    }

    /** The tensor the most nodes of the layer read (the hidden state feeds Q, K, V and the residual; a mask feeds one Add). */
    private static String enteringTensor(GraphProto g, String prefix, Map<String, Integer> uses) throws InterpreterException {
        if (uses.isEmpty()) {
            throw new InterpreterException("layer '" + prefix + "' of graph '" + g.getName()
                    + "' reads no tensor from the layer below; name the cut tensor instead");
        }
        int best = uses.values().stream().max(Integer::compare).orElseThrow();
        List<String> top = uses.entrySet().stream().filter(x -> x.getValue() == best).map(Map.Entry::getKey).toList();
        if (top.size() > 1) {
            throw new InterpreterException("layer '" + prefix + "' of graph '" + g.getName() + "' reads " + top
                    + " equally often, cannot tell which is the hidden state; name the cut tensor instead");
        }
        return top.get(0);
    }

    /**
     * The initializers the nodes of {@code layers} read, in graph order: the parameters to train when
     * those layers are unfrozen (and only those, so pooling constants appended above stay fixed).
     */
    public static Set<String> initializersOf(GraphProto g, List<TransformerLayer> layers) {
        Set<String> read = new HashSet<>();
        for (TransformerLayer layer : layers) {
            for (int i : layer.nodes()) {
                read.addAll(g.getNode(i).getInputList());
            }
        }
        Set<String> out = new java.util.LinkedHashSet<>();
        for (TensorProto t : g.getInitializerList()) {
            if (read.contains(t.getName())) {
                out.add(t.getName());
            }
        }
        return out;
    }

    /**
     * The tensor to cut at so that the last {@code n} layers run above the cut.
     *
     * @throws InterpreterException if the graph has fewer than {@code n} layers or none can be found
     */
    public static String cutBeforeLast(GraphProto g, int n) throws InterpreterException {
        List<TransformerLayer> layers = detect(g);
        if (n < 1 || n > layers.size()) {
            throw new InterpreterException("cannot unfreeze " + n + " layers of graph '" + g.getName() + "': it has "
                    + layers.size() + " (" + layers.get(0).prefix() + " .. " + layers.get(layers.size() - 1).prefix()
                    + "), expected 1.." + layers.size());
        }
        return layers.get(layers.size() - n).input();
    }
}
