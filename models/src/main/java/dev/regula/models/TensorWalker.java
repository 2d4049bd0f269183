package dev.regula.models;

import dev.regula.models.onnx.AttributeProto;
import dev.regula.models.onnx.FunctionProto;
import dev.regula.models.onnx.GraphProto;
import dev.regula.models.onnx.ModelProto;
import dev.regula.models.onnx.NodeProto;
import dev.regula.models.onnx.SparseTensorProto;
import dev.regula.models.onnx.TensorProto;
import dev.regula.models.onnx.TrainingInfoProto;

/**
 * Visits or rewrites every tensor a model holds: initializers (dense and sparse), tensor
 * attributes, and the same inside subgraphs, functions and training graphs. Weights can sit in
 * any of these, so external-data handling must reach all of them.
 */
final class TensorWalker {
    private TensorWalker() {
    }

    /** Sees one tensor; {@code label} is its name, or where it sits when it has none. */
    interface Visitor {
        void visit(TensorProto tensor, String label) throws OnnxModelException;
    }

    /** Returns the tensor unchanged (the same instance) or a replacement. */
    interface Rewriter {
        TensorProto rewrite(TensorProto tensor, String label) throws OnnxModelException;
    }

    static void forEach(ModelProto model, Visitor v) throws OnnxModelException {
        rewrite(model, (t, label) -> {
            v.visit(t, label);
            return t;
        });
    }

    static ModelProto rewrite(ModelProto model, Rewriter r) throws OnnxModelException {
        ModelProto.Builder b = null;
        if (model.hasGraph()) {
            GraphProto g = graph(model.getGraph(), r);
            if (g != model.getGraph()) {
                b = model.toBuilder().setGraph(g);
            }
        }
        for (int i = 0; i < model.getFunctionsCount(); i++) {
            FunctionProto f = model.getFunctions(i);
            FunctionProto.Builder fb = null;
            for (int j = 0; j < f.getNodeCount(); j++) {
                NodeProto n = node(f.getNode(j), "function '" + f.getName() + "' ", r);
                if (n != f.getNode(j)) {
                    fb = fb == null ? f.toBuilder() : fb;
                    fb.setNode(j, n);
                }
            }
            if (fb != null) {
                b = b == null ? model.toBuilder() : b;
                b.setFunctions(i, fb.build());
            }
        }
        for (int i = 0; i < model.getTrainingInfoCount(); i++) {
            TrainingInfoProto ti = model.getTrainingInfo(i);
            TrainingInfoProto.Builder tb = null;
            if (ti.hasInitialization()) {
                GraphProto g = graph(ti.getInitialization(), r);
                if (g != ti.getInitialization()) {
                    tb = ti.toBuilder().setInitialization(g);
                }
            }
            if (ti.hasAlgorithm()) {
                GraphProto g = graph(ti.getAlgorithm(), r);
                if (g != ti.getAlgorithm()) {
                    tb = (tb == null ? ti.toBuilder() : tb).setAlgorithm(g);
                }
            }
            if (tb != null) {
                b = b == null ? model.toBuilder() : b;
                b.setTrainingInfo(i, tb.build());
            }
        }
        return b == null ? model : b.build();
    }

    private static GraphProto graph(GraphProto g, Rewriter r) throws OnnxModelException {
        GraphProto.Builder b = null;
        for (int i = 0; i < g.getInitializerCount(); i++) {
            TensorProto t = g.getInitializer(i);
            TensorProto t2 = r.rewrite(t, label(t, "initializer #" + i + " of graph '" + g.getName() + "'"));
            if (t2 != t) {
                b = b == null ? g.toBuilder() : b;
                b.setInitializer(i, t2);
            }
        }
        for (int i = 0; i < g.getSparseInitializerCount(); i++) {
            SparseTensorProto s = g.getSparseInitializer(i);
            SparseTensorProto s2 = sparse(s, "sparse initializer #" + i + " of graph '" + g.getName() + "'", r);
            if (s2 != s) {
                b = b == null ? g.toBuilder() : b;
                b.setSparseInitializer(i, s2);
            }
        }
        for (int i = 0; i < g.getNodeCount(); i++) {
            NodeProto n = g.getNode(i);
            NodeProto n2 = node(n, "", r);
            if (n2 != n) {
                b = b == null ? g.toBuilder() : b;
                b.setNode(i, n2);
            }
        }
        return b == null ? g : b.build();
    }

    private static NodeProto node(NodeProto n, String prefix, Rewriter r) throws OnnxModelException {
        NodeProto.Builder b = null;
        for (int i = 0; i < n.getAttributeCount(); i++) {
            AttributeProto a = n.getAttribute(i);
            AttributeProto a2 = attribute(a, prefix + "node '" + n.getName() + "' (" + n.getOpType()
                    + ") attribute '" + a.getName() + "'", r);
            if (a2 != a) {
                b = b == null ? n.toBuilder() : b;
                b.setAttribute(i, a2);
            }
        }
        return b == null ? n : b.build();
    }

    private static AttributeProto attribute(AttributeProto a, String where, Rewriter r) throws OnnxModelException {
        AttributeProto.Builder b = null;
        if (a.hasT()) {
            TensorProto t = r.rewrite(a.getT(), label(a.getT(), where));
            if (t != a.getT()) {
                b = a.toBuilder().setT(t);
            }
        }
        for (int i = 0; i < a.getTensorsCount(); i++) {
            TensorProto t = a.getTensors(i);
            TensorProto t2 = r.rewrite(t, label(t, where + " #" + i));
            if (t2 != t) {
                b = b == null ? a.toBuilder() : b;
                b.setTensors(i, t2);
            }
        }
        if (a.hasSparseTensor()) {
            SparseTensorProto s = sparse(a.getSparseTensor(), where, r);
            if (s != a.getSparseTensor()) {
                b = (b == null ? a.toBuilder() : b).setSparseTensor(s);
            }
        }
        for (int i = 0; i < a.getSparseTensorsCount(); i++) {
            SparseTensorProto s = a.getSparseTensors(i);
            SparseTensorProto s2 = sparse(s, where + " #" + i, r);
            if (s2 != s) {
                b = b == null ? a.toBuilder() : b;
                b.setSparseTensors(i, s2);
            }
        }
        if (a.hasG()) {
            GraphProto g = graph(a.getG(), r);
            if (g != a.getG()) {
                b = (b == null ? a.toBuilder() : b).setG(g);
            }
        }
        for (int i = 0; i < a.getGraphsCount(); i++) {
            GraphProto g = a.getGraphs(i);
            GraphProto g2 = graph(g, r);
            if (g2 != g) {
                b = b == null ? a.toBuilder() : b;
                b.setGraphs(i, g2);
            }
        }
        return b == null ? a : b.build();
    }

    private static SparseTensorProto sparse(SparseTensorProto s, String where, Rewriter r) throws OnnxModelException {
        SparseTensorProto.Builder b = null;
        if (s.hasValues()) {
            TensorProto t = r.rewrite(s.getValues(), label(s.getValues(), where + " values"));
            if (t != s.getValues()) {
                b = s.toBuilder().setValues(t);
            }
        }
        if (s.hasIndices()) {
            TensorProto t = r.rewrite(s.getIndices(), label(s.getIndices(), where + " indices"));
            if (t != s.getIndices()) {
                b = (b == null ? s.toBuilder() : b).setIndices(t);
            }
        }
        return b == null ? s : b.build();
    }

    private static String label(TensorProto t, String where) {
        return t.getName().isEmpty() ? where : t.getName();
    }
}
