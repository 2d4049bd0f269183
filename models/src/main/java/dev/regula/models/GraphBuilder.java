package dev.regula.models;

import dev.regula.models.onnx.GraphProto;
import dev.regula.models.onnx.ModelProto;
import dev.regula.models.onnx.NodeProto;
import dev.regula.models.onnx.OperatorSetIdProto;
import dev.regula.models.onnx.TensorProto;
import dev.regula.models.onnx.ValueInfoProto;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Builds an ONNX graph node by node, or continues an existing model's graph. Names are made
 * unique against every name already in the graph (subgraphs included); every node is checked
 * against the graph's ai.onnx opset, so a helper always writes the form its opset needs.
 *
 * <p>Not thread-safe. {@link #build()} may be called more than once; each call snapshots.
 */
public final class GraphBuilder extends GraphOps {
    /** Default ai.onnx opset of {@link #create(String)}. */
    public static final int DEFAULT_OPSET = 17;

    private final ModelProto base;
    private final GraphProto.Builder graph;
    private final int opset;
    private final Set<String> names;
    private final Set<String> tensors;
    private final Map<String, Integer> ranks;
    private final Map<String, long[]> int64Consts = new HashMap<>();
    private final Map<String, Integer> counters = new HashMap<>();

    private GraphBuilder(ModelProto base, GraphProto start, int opset) {
        this.base = base;
        this.graph = start.toBuilder();
        this.opset = opset;
        this.names = Graphs.allNames(start);
        this.tensors = Graphs.topTensors(start);
        this.ranks = Graphs.declaredRanks(start);
    }

    /** A new graph at ai.onnx opset {@value #DEFAULT_OPSET}. */
    public static GraphBuilder create(String graphName) {
        return create(graphName, DEFAULT_OPSET);
    }

    /** A new graph at the given ai.onnx opset ({@link Opsets#MIN_OPSET} to {@link Opsets#MAX_OPSET}). */
    public static GraphBuilder create(String graphName, int opset) {
        Objects.requireNonNull(graphName, "graphName");
        Opsets.checkSupported(opset);
        return new GraphBuilder(null, GraphProto.newBuilder().setName(graphName).build(), opset);
    }

    /** Continues {@code model}'s graph in the model's own ai.onnx opset. */
    public static GraphBuilder appendTo(OnnxModel model) {
        int current = Graphs.defaultOpset(model.proto());
        if (current < 0) {
            throw new OpsetException("", current, "Model graph '" + model.proto().getGraph().getName()
                    + "' imports no ai.onnx opset; call appendTo(model, wantedOpset) to add one");
        }
        return appendTo(model, current);
    }

    /**
     * Continues {@code model}'s graph at ai.onnx opset {@code wantedOpset}. A higher opset than the
     * model's is taken only when every existing default-domain node means the same under it;
     * otherwise an {@link OpsetException} names the first offending node. Lower is refused.
     */
    public static GraphBuilder appendTo(OnnxModel model, int wantedOpset) {
        ModelProto m = Objects.requireNonNull(model, "model").proto();
        Opsets.checkSupported(wantedOpset);
        int current = Graphs.defaultOpset(m);
        if (current > wantedOpset) {
            throw new OpsetException("", wantedOpset, "Model graph '" + m.getGraph().getName() + "' imports ai.onnx opset "
                    + current + "; appending at the lower opset " + wantedOpset + " is not possible, expected >= " + current);
        }
        if (current >= 0 && current < wantedOpset) {
            refuseUnsafeUpgrade(m.getGraph(), current, wantedOpset);
        }
        return new GraphBuilder(m, m.getGraph(), wantedOpset);
    }

    private static void refuseUnsafeUpgrade(GraphProto g, int from, int to) {
        Map<String, Integer> known = Graphs.declaredRanks(g);
        List<String> problems = new ArrayList<>();
        List<NodeProto> offenders = new ArrayList<>();
        Graphs.forEachNode(g, n -> {
            if (Graphs.isDefaultDomain(n.getDomain())) {
                Optional<String> p = Opsets.upgradeProblem(n, from, to, name -> Graphs.rank(known, name));
                if (p.isPresent()) {
                    problems.add(p.get());
                    offenders.add(n);
                }
            }
        });
        if (!offenders.isEmpty()) {
            NodeProto first = offenders.get(0);
            throw new OpsetException(first.getOpType(), to, "Cannot upgrade graph '" + g.getName() + "' from ai.onnx opset "
                    + from + " to " + to + ": node '" + first.getName() + "' (" + first.getOpType() + "): "
                    + problems.get(0) + (offenders.size() > 1 ? " (and " + (offenders.size() - 1) + " more nodes)" : ""));
        }
    }

    /** The ai.onnx opset this builder writes. */
    @Override
    public int opset() {
        return opset;
    }

    /**
     * Declares a graph input. Each dim is a {@link Long}/{@link Integer} or a symbolic
     * {@link String}; no dims leaves the shape out (rank unknown), which ONNX Runtime accepts
     * but the ONNX checker does not.
     */
    public OnnxRef input(String name, ElemType type, Object... dims) {
        claimExact(name, "input");
        Objects.requireNonNull(type, "type");
        graph.addInput(Tensors.valueInfo(name, type, dims.length == 0 ? null : dims));
        tensors.add(name);
        if (dims.length > 0) {
            ranks.put(name, dims.length);
        }
        return new OnnxRef(name);
    }

    /**
     * Declares {@code ref} a graph output without naming its dims: the shape gets the rank the
     * builder knows for {@code ref} (every dim unknown), or is left out when the rank is unknown
     * (ONNX Runtime accepts that; the ONNX checker wants a shape on graph outputs).
     */
    public void output(OnnxRef ref, String name, ElemType type) {
        addOutput(ref, name, type, null);
    }

    /**
     * Declares {@code ref} a graph output named {@code name}, adding an Identity node when the
     * ref's tensor has another name. {@code type} {@code null} leaves the element type unset.
     */
    public void output(OnnxRef ref, String name, ElemType type, Object... dims) {
        addOutput(ref, name, type, dims);
    }

    private void addOutput(OnnxRef ref, String name, ElemType type, Object[] dims) {
        check(ref);
        Objects.requireNonNull(name, "name");
        for (ValueInfoProto o : graph.getOutputList()) {
            if (o.getName().equals(name)) {
                throw new IllegalArgumentException("Graph '" + graph.getName() + "' already has an output named '"
                        + name + "'; remove it with removeOutput first or pick another name");
            }
        }
        if (!ref.name().equals(name)) {
            claimExact(name, "output");
            addNode("Identity", name, List.of(ref.name()), List.of(name), Map.of());
            tensors.add(name);
            ranks.computeIfAbsent(name, k -> ranks.get(ref.name()));
        }
        if (dims == null) {
            OptionalInt r = rank(ref);
            graph.addOutput(Tensors.valueInfoOfRank(name, type == null ? 0 : type.code(), r.isPresent() ? r.getAsInt() : -1));
        } else {
            graph.addOutput(Tensors.valueInfo(name, type, dims));
        }
    }

    /** Removes the graph output {@code name}; the nodes computing it stay. */
    public void removeOutput(String name) {
        for (int i = 0; i < graph.getOutputCount(); i++) {
            if (graph.getOutput(i).getName().equals(name)) {
                graph.removeOutput(i);
                return;
            }
        }
        throw new IllegalArgumentException("Graph '" + graph.getName() + "' has no output '" + name + "', expected one of "
                + graph.getOutputList().stream().map(ValueInfoProto::getName).toList());
    }

    /** A ref to a tensor already in the graph (input, initializer or node output). */
    public OnnxRef existing(String tensorName) {
        if (!tensors.contains(tensorName)) {
            throw new IllegalArgumentException("Graph '" + graph.getName() + "' has no tensor '" + tensorName
                    + "'; nearest names: " + Graphs.nearest(tensorName, tensors));
        }
        return new OnnxRef(tensorName);
    }

    /**
     * A float initializer named after {@code nameHint} (made unique, see {@link #freshName});
     * {@code dims} must match the data length, and no dims means a scalar.
     */
    @Override
    public OnnxRef initializer(String nameHint, float[] data, long... dims) {
        return addInitializer(Tensors.floats(freshName(nameHint), data, dims));
    }

    /** An int64 initializer, named and shaped as {@link #initializer(String, float[], long...)}. */
    @Override
    public OnnxRef initializer(String nameHint, long[] data, long... dims) {
        OnnxRef ref = addInitializer(Tensors.longs(freshName(nameHint), data, dims));
        int64Consts.put(ref.name(), data.clone());
        return ref;
    }

    /** A {@code [rows, cols]} float initializer from a rectangular matrix. */
    public OnnxRef initializer(String nameHint, float[][] matrix) {
        return addInitializer(Tensors.matrix(freshName(nameHint), matrix));
    }

    /** Adds a ready-made tensor as an initializer, renamed to a unique name after its own. */
    public OnnxRef initializer(TensorProto tensor) {
        String hint = tensor.getName().isEmpty() ? "init" : tensor.getName();
        return addInitializer(tensor.toBuilder().setName(freshName(hint)).build());
    }

    private OnnxRef addInitializer(TensorProto t) {
        graph.addInitializer(t);
        tensors.add(t.getName());
        ranks.put(t.getName(), t.getDimsCount());
        return new OnnxRef(t.getName());
    }

    /**
     * Adds an ai.onnx node with {@code nOutputs} outputs. A {@code null} input stands for an
     * absent optional input. Attribute values may be Long/Integer, Boolean, Float/Double, String,
     * long[]/int[], float[], String[], {@link ElemType}, {@link TensorProto} or {@link GraphProto}.
     *
     * @throws OpsetException if the opset has no such op or expects another form
     */
    public List<OnnxRef> node(String opType, List<OnnxRef> inputs, Map<String, Object> attrs, int nOutputs) {
        Objects.requireNonNull(opType, "opType");
        if (nOutputs < 1) {
            throw new IllegalArgumentException("Node " + opType + " needs at least one output, got " + nOutputs);
        }
        List<String> ins = new ArrayList<>();
        List<OptionalInt> inRanks = new ArrayList<>();
        List<long[]> consts = new ArrayList<>();
        for (OnnxRef r : inputs) {
            if (r == null) {
                ins.add("");
                inRanks.add(OptionalInt.empty());
                consts.add(null);
            } else {
                check(r);
                ins.add(r.name());
                inRanks.add(rank(r));
                consts.add(int64Consts.get(r.name()));
            }
        }
        Opsets.checkNode(opType, opset, attrs.keySet(), inputs.size());
        if (Opsets.softmaxFlattens(opType, opset)) {
            checkFlatteningAxis(opType, attrs, inRanks.isEmpty() ? OptionalInt.empty() : inRanks.get(0));
        }
        for (Object v : attrs.values()) {
            if (v instanceof GraphProto sub) {
                names.addAll(Graphs.allNames(sub)); // no later name may shadow one inside a body
            }
        }
        String nodeName = freshName(opType);
        List<String> outs = new ArrayList<>();
        List<OnnxRef> refs = new ArrayList<>();
        for (int i = 0; i < nOutputs; i++) {
            String out = nOutputs == 1 ? nodeName : freshName(nodeName + "_out" + i);
            outs.add(out);
            refs.add(new OnnxRef(out));
            tensors.add(out);
        }
        addNode(opType, nodeName, ins, outs, attrs);
        OptionalInt r = Ranks.infer(opType, inRanks, consts, attrs);
        if (r.isPresent()) {
            ranks.put(outs.get(0), r.getAsInt());
        }
        return List.copyOf(refs);
    }

    /** {@link #node(String, List, Map, int)} with one output. */
    @Override
    public OnnxRef node(String opType, List<OnnxRef> inputs, Map<String, Object> attrs) {
        return node(opType, inputs, attrs, 1).get(0);
    }

    private void checkFlatteningAxis(String op, Map<String, Object> attrs, OptionalInt rank) {
        Object a = attrs.getOrDefault("axis", 1L);
        if (!(a instanceof Long || a instanceof Integer)) {
            throw new IllegalArgumentException("Attribute 'axis' of " + op + " is " + a + ", expected a Long/Integer");
        }
        long axis = ((Number) a).longValue();
        if (axis == -1 || (rank.isPresent() && axis == rank.getAsInt() - 1)) {
            return;
        }
        throw new OpsetException(op, opset, op + " at opset " + opset + " flattens its input to 2-D at axis " + axis
                + ", which differs from a per-axis " + op + (rank.isPresent() ? " on this rank-" + rank.getAsInt()
                + " input" : " when the input rank is unknown") + "; expected the last axis (-1), or opset >= 13");
    }

    @Override
    public OptionalInt rank(OnnxRef ref) {
        return Graphs.rank(ranks, ref.name());
    }

    /**
     * A name not yet used in the graph: {@code hint} itself when free, else {@code hint_1},
     * {@code hint_2}, ... (one counter per hint). The name is reserved.
     */
    public String freshName(String hint) {
        Objects.requireNonNull(hint, "hint");
        if (hint.isEmpty()) {
            throw new IllegalArgumentException("A name hint must not be empty");
        }
        int k = counters.getOrDefault(hint, 0);
        String name = k == 0 ? hint : hint + "_" + k;
        while (names.contains(name)) {
            k++;
            name = hint + "_" + k;
        }
        counters.put(hint, k + 1);
        names.add(name);
        return name;
    }

    private void claimExact(String name, String what) {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("A graph " + what + " needs a non-empty name");
        }
        if (names.contains(name)) {
            throw new IllegalArgumentException("Cannot name a graph " + what + " '" + name + "': graph '"
                    + graph.getName() + "' already uses that name");
        }
        names.add(name);
    }

    private void check(OnnxRef ref) {
        Objects.requireNonNull(ref, "ref");
        if (!tensors.contains(ref.name())) {
            throw new IllegalArgumentException("Tensor '" + ref.name() + "' is not in graph '" + graph.getName()
                    + "' (a ref from another builder?); nearest names: " + Graphs.nearest(ref.name(), tensors));
        }
    }

    private void addNode(String op, String name, List<String> ins, List<String> outs, Map<String, Object> attrs) {
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(name).addAllInput(ins).addAllOutput(outs);
        attrs.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> n.addAttribute(Attributes.of(op, e.getKey(), e.getValue())));
        graph.addNode(n);
    }

    /**
     * The model: the original's ir_version (raised only when the opset needs it), opsets,
     * metadata, doc strings and producer when appending; IR {@link Opsets#irVersionFor} otherwise.
     *
     * @throws IllegalStateException if the graph has no output
     */
    public OnnxModel build() {
        if (graph.getOutputCount() == 0) {
            throw new IllegalStateException("Graph '" + graph.getName() + "' has no outputs; declare one with output(...)");
        }
        ModelProto.Builder m;
        if (base == null) {
            m = ModelProto.newBuilder().setIrVersion(Opsets.irVersionFor(opset)).setProducerName("regula");
            String v = GraphBuilder.class.getPackage().getImplementationVersion();
            if (v != null) {
                m.setProducerVersion(v);
            }
        } else {
            m = base.toBuilder();
            m.setIrVersion(Math.max(base.getIrVersion(), Opsets.irVersionFor(opset)));
        }
        boolean found = false;
        for (OperatorSetIdProto.Builder o : m.getOpsetImportBuilderList()) {
            if (Graphs.isDefaultDomain(o.getDomain())) {
                o.setVersion(opset);
                found = true;
            }
        }
        if (!found) {
            m.addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset));
        }
        return OnnxModel.of(m.setGraph(graph.build()).build());
    }
}
