package dev.regula.models;

import dev.regula.models.onnx.AttributeProto;
import dev.regula.models.onnx.GraphProto;
import dev.regula.models.onnx.ModelProto;
import dev.regula.models.onnx.NodeProto;
import dev.regula.models.onnx.SparseTensorProto;
import dev.regula.models.onnx.TensorProto;
import dev.regula.models.onnx.ValueInfoProto;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * Whole-graph edits: cut a model at a tensor, append nodes after a tensor, merge two models.
 * Every result keeps the inputs' opset imports, metadata_props, doc strings and producer.
 */
public final class Surgery {
    private static final Set<String> INT64_OPS = Set.of("Shape", "Size", "ArgMax", "ArgMin", "NonZero",
            "NonMaxSuppression");
    private static final Set<String> BOOL_OPS = Set.of("Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual",
            "Not", "And", "Or", "Xor", "IsNaN", "IsInf");

    private Surgery() {
    }

    /**
     * The part of {@code m} that computes {@code tensorName}, as a model whose single output is
     * that tensor: exactly the nodes it needs (in their original, topological order), the
     * initializers those use and the graph inputs they read. The output's type comes from the
     * model's value infos when declared; otherwise the element type is inferred along the
     * producing nodes (left unset when that fails) and the shape is left unknown.
     *
     * @throws IllegalArgumentException if the graph has no such tensor (the message lists near names)
     */
    public static OnnxModel cut(OnnxModel m, String tensorName) {
        GraphProto g = m.proto().getGraph();
        Set<String> known = Graphs.topTensors(g);
        if (!known.contains(tensorName)) {
            throw new IllegalArgumentException("Cannot cut graph '" + g.getName() + "' at '" + tensorName
                    + "': no such tensor; nearest names: " + Graphs.nearest(tensorName, known));
        }
        Map<String, Integer> producer = new HashMap<>();
        for (int i = 0; i < g.getNodeCount(); i++) {
            for (String o : g.getNode(i).getOutputList()) {
                producer.put(o, i);
            }
        }
        Set<String> needed = new HashSet<>();
        BitSet keep = new BitSet();
        Deque<String> todo = new ArrayDeque<>(List.of(tensorName));
        while (!todo.isEmpty()) {
            String t = todo.pop();
            if (t.isEmpty() || !needed.add(t)) {
                continue;
            }
            Integer p = producer.get(t);
            if (p != null && !keep.get(p)) {
                keep.set(p);
                NodeProto n = g.getNode(p);
                todo.addAll(n.getInputList());
                // Subgraphs (If/Loop/Scan bodies) may read outer tensors by name.
                for (GraphProto sub : Graphs.subgraphs(n)) {
                    Graphs.forEachNode(sub, sn -> sn.getInputList().stream().filter(known::contains).forEach(todo::add));
                }
            }
        }
        GraphProto.Builder out = g.toBuilder().clearNode().clearInput().clearOutput().clearValueInfo()
                .clearInitializer().clearSparseInitializer().clearQuantizationAnnotation();
        keep.stream().forEach(i -> out.addNode(g.getNode(i)));
        g.getInputList().stream().filter(v -> needed.contains(v.getName())).forEach(out::addInput);
        g.getInitializerList().stream().filter(t -> needed.contains(t.getName())).forEach(out::addInitializer);
        for (SparseTensorProto s : g.getSparseInitializerList()) {
            if (needed.contains(s.getValues().getName())) {
                out.addSparseInitializer(s);
            }
        }
        g.getValueInfoList().stream().filter(v -> needed.contains(v.getName()) && !v.getName().equals(tensorName))
                .forEach(out::addValueInfo);
        g.getQuantizationAnnotationList().stream().filter(q -> needed.contains(q.getTensorName()))
                .forEach(out::addQuantizationAnnotation);
        out.addOutput(outputInfo(g, tensorName, producer));
        return OnnxModel.of(m.proto().toBuilder().setGraph(out).build());
    }

    private static ValueInfoProto outputInfo(GraphProto g, String name, Map<String, Integer> producer) {
        List<ValueInfoProto> declared = new ArrayList<>(g.getOutputList());
        declared.addAll(g.getValueInfoList());
        declared.addAll(g.getInputList());
        for (ValueInfoProto v : declared) {
            if (v.getName().equals(name) && v.hasType()) {
                return v;
            }
        }
        for (TensorProto t : g.getInitializerList()) {
            if (t.getName().equals(name)) {
                Object[] dims = t.getDimsList().toArray();
                ValueInfoProto v = Tensors.valueInfo(name, null, dims);
                return v.toBuilder().setType(v.getType().toBuilder().setTensorType(
                        v.getType().getTensorType().toBuilder().setElemType(t.getDataType()))).build();
            }
        }
        Integer code = inferElemType(g, name, producer);
        Integer rank = Ranks.propagate(g).get(name);
        return Tensors.valueInfoOfRank(name, code == null ? 0 : code, rank == null ? -1 : rank);
    }

    /** Follows producers back (first data input) until a declared or op-fixed type is found. */
    private static Integer inferElemType(GraphProto g, String name, Map<String, Integer> producer) {
        Map<String, Integer> declared = new HashMap<>();
        for (List<ValueInfoProto> vs : List.of(g.getInputList(), g.getOutputList(), g.getValueInfoList())) {
            for (ValueInfoProto v : vs) {
                if (v.getType().hasTensorType() && v.getType().getTensorType().getElemType() != 0) {
                    declared.put(v.getName(), v.getType().getTensorType().getElemType());
                }
            }
        }
        g.getInitializerList().forEach(t -> declared.put(t.getName(), t.getDataType()));
        String t = name;
        for (int steps = 0; steps <= g.getNodeCount(); steps++) {
            Integer d = declared.get(t);
            if (d != null) {
                return known(d);
            }
            Integer p = producer.get(t);
            if (p == null) {
                return null;
            }
            NodeProto n = g.getNode(p);
            if (!Graphs.isDefaultDomain(n.getDomain())) {
                return null;
            }
            String op = n.getOpType();
            if (INT64_OPS.contains(op)) {
                return ElemType.INT64.code();
            }
            if (BOOL_OPS.contains(op)) {
                return ElemType.BOOL.code();
            }
            if (op.equals("Cast") || op.equals("Constant")) {
                for (AttributeProto a : n.getAttributeList()) {
                    if (a.getName().equals("to")) {
                        return known((int) a.getI());
                    }
                    if (a.getName().equals("value") && a.hasT()) {
                        return known(a.getT().getDataType());
                    }
                }
                return null;
            }
            int data = op.equals("Where") ? 1 : 0;
            if (n.getInputCount() <= data) {
                return null;
            }
            t = n.getInput(data);
        }
        return null;
    }

    private static Integer known(int code) {
        for (ElemType e : ElemType.values()) {
            if (e.code() == code) {
                return code;
            }
        }
        return null;
    }

    /**
     * Appends {@code body} after the tensor {@code outputName} in the model's own opset and
     * makes its result the model's single output {@code newOutputName} (every other output is
     * dropped; the nodes behind them stay only if the new output needs them, see {@link #cut}).
     * Dims follow {@link GraphBuilder#output(OnnxRef, String, ElemType, Object...)}.
     */
    public static OnnxModel appendAfter(OnnxModel m, String outputName, BiFunction<GraphBuilder, OnnxRef, OnnxRef> body,
                                        String newOutputName, ElemType type, Object... dims) {
        GraphBuilder g = GraphBuilder.appendTo(m);
        OnnxRef result = body.apply(g, g.existing(outputName));
        for (ValueInfoProto o : m.proto().getGraph().getOutputList()) {
            g.removeOutput(o.getName());
        }
        g.output(result, newOutputName, type, dims.length == 0 ? null : dims);
        OnnxModel appended = g.build();
        return cut(appended, newOutputName);
    }

    /**
     * Merges two models as {@code onnx.compose.merge_models} does: each entry of {@code ioMap}
     * (a's output name -> b's input name, names as in the original models) feeds that input of
     * {@code b} with that output of {@code a}. Names are prefixed with {@code prefixA} /
     * {@code prefixB} (null or empty: unchanged); any clash left is refused. Inputs: a's, then
     * b's unmapped. Outputs: b's, then a's not consumed by the map. Opset imports are merged
     * (conflicting versions of one domain are refused), IR version is the max, metadata_props
     * the union (conflicting values refused), doc strings joined.
     */
    public static OnnxModel merge(OnnxModel a, OnnxModel b, Map<String, String> ioMap, String prefixA, String prefixB) {
        return Merge.merge(a, b, ioMap, prefixA, prefixB, true);
    }

    /** As {@link #merge(OnnxModel, OnnxModel, Map, String, String)}, keeping only b's outputs when asked. */
    public static OnnxModel merge(OnnxModel a, OnnxModel b, Map<String, String> ioMap, String prefixA, String prefixB,
                                  boolean keepUnconsumedOutputsOfA) {
        return Merge.merge(a, b, ioMap, prefixA, prefixB, keepUnconsumedOutputsOfA);
    }
}
