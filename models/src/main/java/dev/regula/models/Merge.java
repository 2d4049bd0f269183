package dev.regula.models;

import dev.regula.models.onnx.AttributeProto;
import dev.regula.models.onnx.FunctionProto;
import dev.regula.models.onnx.GraphProto;
import dev.regula.models.onnx.ModelProto;
import dev.regula.models.onnx.NodeProto;
import dev.regula.models.onnx.OperatorSetIdProto;
import dev.regula.models.onnx.SparseTensorProto;
import dev.regula.models.onnx.StringStringEntryProto;
import dev.regula.models.onnx.TensorAnnotation;
import dev.regula.models.onnx.ValueInfoProto;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/** The model merge behind {@link Surgery#merge}. */
final class Merge {
    private Merge() {
    }

    static OnnxModel merge(OnnxModel ma, OnnxModel mb, Map<String, String> ioMap, String prefixA, String prefixB,
                           boolean keepA) {
        ModelProto a = ma.proto();
        ModelProto b = mb.proto();
        GraphProto ga = a.getGraph();
        GraphProto gb = b.getGraph();
        List<String> aOutputs = ga.getOutputList().stream().map(ValueInfoProto::getName).toList();
        List<String> bInputs = gb.getInputList().stream().map(ValueInfoProto::getName).toList();
        Map<String, String> feeds = new HashMap<>(); // b input -> a output
        for (Map.Entry<String, String> e : ioMap.entrySet()) {
            if (!aOutputs.contains(e.getKey())) {
                throw new IllegalArgumentException("io map key '" + e.getKey() + "' is not an output of graph '"
                        + ga.getName() + "', expected one of " + aOutputs);
            }
            if (!bInputs.contains(e.getValue())) {
                throw new IllegalArgumentException("io map value '" + e.getValue() + "' is not an input of graph '"
                        + gb.getName() + "', expected one of " + bInputs);
            }
            String before = feeds.put(e.getValue(), e.getKey());
            if (before != null) {
                throw new IllegalArgumentException("Input '" + e.getValue() + "' of graph '" + gb.getName()
                        + "' is fed twice by the io map, from '" + before + "' and '" + e.getKey() + "'");
            }
        }
        UnaryOperator<String> pa = prefixer(prefixA);
        UnaryOperator<String> pb0 = prefixer(prefixB);
        UnaryOperator<String> pb = n -> feeds.containsKey(n) ? pa.apply(feeds.get(n)) : pb0.apply(n);
        GraphProto ra = rename(ga, pa);
        GraphProto rb = rename(gb, pb);

        Set<String> links = new LinkedHashSet<>();
        ioMap.keySet().forEach(k -> links.add(pa.apply(k)));
        Set<String> clashes = new LinkedHashSet<>(Graphs.allNames(ra));
        clashes.retainAll(Graphs.allNames(rb));
        clashes.removeAll(links);
        if (!clashes.isEmpty()) {
            throw new IllegalArgumentException("Graphs '" + ga.getName() + "' and '" + gb.getName() + "' both use the names "
                    + clashes.stream().limit(8).toList() + (clashes.size() > 8 ? " and " + (clashes.size() - 8) + " more" : "")
                    + "; give prefixA/prefixB to keep them apart");
        }

        GraphProto.Builder g = GraphProto.newBuilder()
                .setName(ga.getName().equals(gb.getName()) ? ga.getName() : ga.getName() + "_" + gb.getName())
                .addAllNode(ra.getNodeList()).addAllNode(rb.getNodeList())
                .addAllInitializer(ra.getInitializerList()).addAllInitializer(rb.getInitializerList())
                .addAllSparseInitializer(ra.getSparseInitializerList()).addAllSparseInitializer(rb.getSparseInitializerList())
                .addAllValueInfo(ra.getValueInfoList()).addAllValueInfo(rb.getValueInfoList())
                .addAllQuantizationAnnotation(ra.getQuantizationAnnotationList())
                .addAllQuantizationAnnotation(rb.getQuantizationAnnotationList())
                .addAllInput(ra.getInputList());
        String doc = join(ga.getDocString(), gb.getDocString());
        if (!doc.isEmpty()) {
            g.setDocString(doc);
        }
        g.addAllMetadataProps(mergeProps(ga.getMetadataPropsList(), gb.getMetadataPropsList(), "graph"));
        for (int i = 0; i < gb.getInputCount(); i++) {
            if (!feeds.containsKey(gb.getInput(i).getName())) {
                g.addInput(rb.getInput(i));
            }
        }
        Set<String> outs = new LinkedHashSet<>();
        for (ValueInfoProto o : rb.getOutputList()) {
            if (outs.add(o.getName())) {
                g.addOutput(o);
            }
        }
        for (ValueInfoProto o : ra.getOutputList()) {
            if (keepA && !links.contains(o.getName()) && outs.add(o.getName())) {
                g.addOutput(o);
            } else if (!outs.contains(o.getName())) {
                g.addValueInfo(o); // a linking tensor keeps its declared type and shape
            }
        }
        if (g.getOutputCount() == 0) {
            throw new IllegalArgumentException("Merging '" + ga.getName() + "' and '" + gb.getName()
                    + "' leaves no graph output; graph '" + gb.getName() + "' declares none");
        }

        ModelProto.Builder m = a.toBuilder().clearOpsetImport().clearMetadataProps().clearFunctions().clearTrainingInfo()
                .setIrVersion(Math.max(a.getIrVersion(), b.getIrVersion()))
                .addAllOpsetImport(mergeOpsets(a, b))
                .addAllMetadataProps(mergeProps(a.getMetadataPropsList(), b.getMetadataPropsList(), "model"))
                .addAllFunctions(mergeFunctions(a, b));
        String mdoc = join(a.getDocString(), b.getDocString());
        if (!mdoc.isEmpty()) {
            m.setDocString(mdoc);
        }
        if (m.getProducerName().isEmpty() && !b.getProducerName().isEmpty()) {
            m.setProducerName(b.getProducerName()).setProducerVersion(b.getProducerVersion());
        }
        return OnnxModel.of(m.setGraph(g).build());
    }

    private static UnaryOperator<String> prefixer(String prefix) {
        return prefix == null || prefix.isEmpty() ? n -> n : n -> n.isEmpty() ? n : prefix + n;
    }

    private static String join(String x, String y) {
        if (x.isEmpty() || x.equals(y)) {
            return y.isEmpty() ? x : y;
        }
        return y.isEmpty() ? x : x + "\n" + y;
    }

    private static List<OperatorSetIdProto> mergeOpsets(ModelProto a, ModelProto b) {
        Map<String, Long> versions = new LinkedHashMap<>();
        for (ModelProto m : List.of(a, b)) {
            for (OperatorSetIdProto o : m.getOpsetImportList()) {
                String domain = Graphs.isDefaultDomain(o.getDomain()) ? "" : o.getDomain();
                Long before = versions.putIfAbsent(domain, o.getVersion());
                if (before != null && before != o.getVersion()) {
                    throw new IllegalArgumentException("Cannot merge graphs '" + a.getGraph().getName() + "' and '"
                            + b.getGraph().getName() + "': they import domain '" + (domain.isEmpty() ? "ai.onnx" : domain)
                            + "' at opsets " + before + " and " + o.getVersion()
                            + "; expected one version (rebuild one of them at the other's opset)");
                }
            }
        }
        List<OperatorSetIdProto> out = new ArrayList<>();
        versions.forEach((d, v) -> out.add(OperatorSetIdProto.newBuilder().setDomain(d).setVersion(v).build()));
        return out;
    }

    private static List<StringStringEntryProto> mergeProps(List<StringStringEntryProto> x, List<StringStringEntryProto> y,
                                                           String level) {
        Map<String, String> props = new LinkedHashMap<>();
        for (List<StringStringEntryProto> list : List.of(x, y)) {
            for (StringStringEntryProto e : list) {
                String before = props.putIfAbsent(e.getKey(), e.getValue());
                if (before != null && !before.equals(e.getValue())) {
                    throw new IllegalArgumentException("Cannot merge " + level + " metadata_props: key '" + e.getKey()
                            + "' is '" + before + "' in the first model and '" + e.getValue() + "' in the second");
                }
            }
        }
        List<StringStringEntryProto> out = new ArrayList<>();
        props.forEach((k, v) -> out.add(StringStringEntryProto.newBuilder().setKey(k).setValue(v).build()));
        return out;
    }

    private static List<FunctionProto> mergeFunctions(ModelProto a, ModelProto b) {
        Map<String, FunctionProto> fs = new LinkedHashMap<>();
        for (ModelProto m : List.of(a, b)) {
            for (FunctionProto f : m.getFunctionsList()) {
                String key = f.getDomain() + "::" + f.getName();
                FunctionProto before = fs.putIfAbsent(key, f);
                if (before != null && !before.equals(f)) {
                    throw new IllegalArgumentException("Cannot merge: both models define function '" + key
                            + "' differently");
                }
            }
        }
        return new ArrayList<>(fs.values());
    }

    /** Renames every tensor and node name of {@code g} (subgraphs included) by {@code f}. */
    static GraphProto rename(GraphProto g, UnaryOperator<String> f) {
        GraphProto.Builder r = g.toBuilder().clearNode().clearInput().clearOutput().clearValueInfo()
                .clearInitializer().clearSparseInitializer().clearQuantizationAnnotation();
        for (NodeProto n : g.getNodeList()) {
            NodeProto.Builder nb = n.toBuilder().clearInput().clearOutput().clearAttribute();
            n.getInputList().forEach(i -> nb.addInput(f.apply(i)));
            n.getOutputList().forEach(o -> nb.addOutput(f.apply(o)));
            if (!n.getName().isEmpty()) {
                nb.setName(f.apply(n.getName()));
            }
            for (AttributeProto at : n.getAttributeList()) {
                AttributeProto.Builder ab = at.toBuilder();
                if (at.hasG()) {
                    ab.setG(rename(at.getG(), f));
                }
                ab.clearGraphs();
                at.getGraphsList().forEach(sg -> ab.addGraphs(rename(sg, f)));
                nb.addAttribute(ab);
            }
            r.addNode(nb);
        }
        g.getInputList().forEach(v -> r.addInput(v.toBuilder().setName(f.apply(v.getName()))));
        g.getOutputList().forEach(v -> r.addOutput(v.toBuilder().setName(f.apply(v.getName()))));
        g.getValueInfoList().forEach(v -> r.addValueInfo(v.toBuilder().setName(f.apply(v.getName()))));
        g.getInitializerList().forEach(t -> r.addInitializer(t.toBuilder().setName(f.apply(t.getName()))));
        for (SparseTensorProto s : g.getSparseInitializerList()) {
            SparseTensorProto.Builder sb = s.toBuilder();
            sb.getValuesBuilder().setName(f.apply(s.getValues().getName()));
            if (s.hasIndices() && !s.getIndices().getName().isEmpty()) {
                sb.getIndicesBuilder().setName(f.apply(s.getIndices().getName()));
            }
            r.addSparseInitializer(sb);
        }
        for (TensorAnnotation q : g.getQuantizationAnnotationList()) {
            TensorAnnotation.Builder qb = q.toBuilder().setTensorName(f.apply(q.getTensorName())).clearQuantParameterTensorNames();
            q.getQuantParameterTensorNamesList().forEach(e ->
                    qb.addQuantParameterTensorNames(e.toBuilder().setValue(f.apply(e.getValue()))));
            r.addQuantizationAnnotation(qb);
        }
        return r.build();
    }
}
