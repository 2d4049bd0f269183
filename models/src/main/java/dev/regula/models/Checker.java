package dev.regula.models;

import dev.regula.models.onnx.AttributeProto;
import dev.regula.models.onnx.GraphProto;
import dev.regula.models.onnx.ModelProto;
import dev.regula.models.onnx.NodeProto;
import dev.regula.models.onnx.OperatorSetIdProto;
import dev.regula.models.onnx.SparseTensorProto;
import dev.regula.models.onnx.TensorProto;
import dev.regula.models.onnx.ValueInfoProto;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Structural checks that catch broken graphs before ONNX Runtime does, with messages that name
 * the node or tensor: names used before they are produced, names produced twice, outputs nobody
 * produces, initializers whose data does not fit their dims, and operator domains without an
 * opset import. Types and shapes are left to ONNX Runtime's own checks.
 */
public final class Checker {
    private Checker() {
    }

    /** Throws when {@link #problems(ModelProto)} finds anything. */
    public static void check(OnnxModel model) throws OnnxCheckException {
        List<String> problems = problems(model.proto());
        if (!problems.isEmpty()) {
            throw new OnnxCheckException(model.source(), problems);
        }
    }

    /** Every problem found, one message each, in graph order; empty for a sound model. */
    public static List<String> problems(ModelProto model) {
        Objects.requireNonNull(model, "model");
        List<String> problems = new ArrayList<>();
        if (!model.hasGraph()) {
            problems.add("the model has no graph");
            return problems;
        }
        Set<String> domains = new HashSet<>();
        for (OperatorSetIdProto o : model.getOpsetImportList()) {
            domains.add(domain(o.getDomain()));
        }
        new Run(domains, problems).graph(model.getGraph(), "", Set.of());
        return problems;
    }

    /** "" and "ai.onnx" both name the default operator set. */
    private static String domain(String d) {
        return d.equals("ai.onnx") ? "" : d;
    }

    private record Run(Set<String> domains, List<String> problems) {
        void graph(GraphProto g, String where, Set<String> outer) {
            String gname = where + "graph '" + g.getName() + "'";
            Set<String> defined = new HashSet<>();
            for (ValueInfoProto v : g.getInputList()) {
                if (v.getName().isEmpty()) {
                    problems.add(gname + ": a graph input has an empty name");
                } else if (!defined.add(v.getName())) {
                    problems.add(gname + ": graph input '" + v.getName() + "' is declared twice");
                }
            }
            Set<String> initializers = new HashSet<>();
            for (TensorProto t : g.getInitializerList()) {
                initializer(t, gname + ": initializer '" + t.getName() + "'", initializers);
            }
            for (SparseTensorProto s : g.getSparseInitializerList()) {
                String name = s.getValues().getName();
                if (!initializers.add(name)) {
                    problems.add(gname + ": sparse initializer '" + name + "' is declared twice");
                }
            }
            // Old IR versions list initializers among the inputs as well; that is legal.
            defined.addAll(initializers);

            Map<String, Integer> producer = new HashMap<>();
            for (int i = 0; i < g.getNodeCount(); i++) {
                for (String out : g.getNode(i).getOutputList()) {
                    producer.putIfAbsent(out, i);
                }
            }
            Set<String> produced = new HashSet<>();
            Map<String, String> producedBy = new HashMap<>();
            for (int i = 0; i < g.getNodeCount(); i++) {
                NodeProto n = g.getNode(i);
                String label = where + "node #" + i + " '" + n.getName() + "' (" + n.getOpType() + ")";
                if (!domains.contains(domain(n.getDomain()))) {
                    problems.add(label + ": domain '" + n.getDomain() + "' has no opset_import in the model");
                }
                for (String in : n.getInputList()) {
                    if (in.isEmpty() || produced.contains(in) || defined.contains(in) || outer.contains(in)) {
                        continue;
                    }
                    Integer later = producer.get(in);
                    problems.add(label + ": input '" + in + "' is not a graph input, initializer or output of an earlier"
                            + " node" + (later == null ? "" : " (node #" + later + " produces it later: nodes must be in"
                            + " topological order)"));
                }
                Set<String> visible = new HashSet<>(outer);
                visible.addAll(defined);
                visible.addAll(produced);
                for (AttributeProto a : n.getAttributeList()) {
                    String sub = label + " attribute '" + a.getName() + "' > ";
                    if (a.hasG()) {
                        graph(a.getG(), sub, visible);
                    }
                    for (int k = 0; k < a.getGraphsCount(); k++) {
                        graph(a.getGraphs(k), sub + "#" + k + " ", visible);
                    }
                    if (a.hasT()) {
                        tensorData(a.getT(), label + " attribute '" + a.getName() + "'");
                    }
                }
                for (String out : n.getOutputList()) {
                    if (out.isEmpty()) {
                        continue; // an optional output left out
                    }
                    if (defined.contains(out)) {
                        problems.add(label + ": output '" + out + "' has the name of a graph input or initializer");
                    } else if (producedBy.containsKey(out)) {
                        problems.add(label + ": output '" + out + "' is already produced by " + producedBy.get(out));
                    } else if (outer.contains(out)) {
                        problems.add(label + ": output '" + out + "' reuses a name of the enclosing graph");
                    }
                    produced.add(out);
                    producedBy.putIfAbsent(out, "node #" + i + " '" + n.getName() + "' (" + n.getOpType() + ")");
                }
            }
            for (ValueInfoProto v : g.getOutputList()) {
                String o = v.getName();
                if (o.isEmpty()) {
                    problems.add(gname + ": a graph output has an empty name");
                } else if (!produced.contains(o) && !defined.contains(o) && !outer.contains(o)) {
                    problems.add(gname + ": graph output '" + o + "' is not produced by any node, input or initializer");
                }
            }
        }

        private void initializer(TensorProto t, String label, Set<String> seen) {
            if (t.getName().isEmpty()) {
                problems.add(label + ": an initializer has an empty name");
            } else if (!seen.add(t.getName())) {
                problems.add(label + " is declared twice");
            }
            tensorData(t, label);
        }

        /** Does the stored data hold exactly as many values as the dims say? */
        private void tensorData(TensorProto t, String label) {
            if (ExternalData.isExternal(t)) {
                return; // checked against the side file's size when the model is read
            }
            int type = t.getDataType();
            if (type == TensorProto.DataType.UNDEFINED_VALUE || TensorProto.DataType.forNumber(type) == null) {
                problems.add(label + ": data_type " + type + " is not a known element type");
                return;
            }
            long n = DataTypes.elementCount(t);
            if (n < 0) {
                problems.add(label + ": dims " + t.getDimsList() + " have a negative entry or overflow");
                return;
            }
            String typeName = DataTypes.name(type);
            if (t.hasRawData()) {
                long expected = DataTypes.rawBytes(type, n);
                if (expected < 0) {
                    problems.add(label + ": raw_data cannot hold " + typeName + " values");
                } else if (expected != t.getRawData().size()) {
                    problems.add(label + ": raw_data has " + t.getRawData().size() + " bytes but dims " + t.getDimsList()
                            + " of " + typeName + " need " + expected);
                }
                return;
            }
            long expected = DataTypes.typedEntries(type, n);
            long actual = DataTypes.typedCount(t);
            if (expected >= 0 && expected != actual) {
                problems.add(label + ": holds " + actual + " values but dims " + t.getDimsList() + " of " + typeName
                        + " need " + expected);
            }
        }
    }
}
