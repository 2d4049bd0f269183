package dev.regula.transfer.finetune;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.regula.models.OnnxModel;
import dev.regula.models.Tensors;
import dev.regula.models.onnx.GraphProto;
import dev.regula.models.onnx.ModelProto;
import dev.regula.models.onnx.NodeProto;
import dev.regula.models.onnx.OperatorSetIdProto;
import dev.regula.models.onnx.TensorProto;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Runs an ONNX (sub)graph on DJL's PyTorch engine so that autograd flows through it: every node is
 * mapped to NDArray operations, int64 shape plumbing is evaluated on the Java heap, and float
 * initializers become parameters with gradients ({@link #parameters()}).
 *
 * <p>Parameters live in a manager of their own, a child of the one given to {@link #create}; each
 * {@link #forward} creates its arrays in the batch manager it is handed, so closing that manager
 * frees the step. Not thread-safe.
 */
public final class OnnxInterpreter implements AutoCloseable {
    private final Subgraph subgraph;
    private final int opset;
    private final List<Op> ops;
    private final InterpreterOptions options;
    private final NDManager manager;
    private final Map<String, NDArray> parameters;
    private final Map<String, NDArray> frozen;
    private final Map<String, Value.Host> hostConstants;

    private OnnxInterpreter(Subgraph subgraph, int opset, List<Op> ops, InterpreterOptions options, NDManager manager,
                            Map<String, NDArray> parameters, Map<String, NDArray> frozen, Map<String, Value.Host> hostConstants) {
        this.subgraph = subgraph;
        this.opset = opset;
        this.ops = ops;
        this.options = options;
        this.manager = manager;
        this.parameters = Collections.unmodifiableMap(parameters);
        this.frozen = frozen;
        this.hostConstants = hostConstants;
    }

    /** The whole graph of {@code model}, fed by its graph inputs. */
    public static OnnxInterpreter create(OnnxModel model, InterpreterOptions options, NDManager parent) throws InterpreterException {
        return create(model, Subgraph.whole(model.proto().getGraph()), options, parent);
    }

    /**
     * The part of {@code model}'s graph between the {@code cuts} tensors and {@code outputs}.
     *
     * @throws UnsupportedOpException if a node of that part has an op the interpreter lacks
     */
    public static OnnxInterpreter create(OnnxModel model, List<String> cuts, List<String> outputs, InterpreterOptions options,
                                         NDManager parent) throws InterpreterException {
        return create(model, Subgraph.between(model.proto().getGraph(), cuts, outputs), options, parent);
    }

    /** Interprets {@code subgraph}, which must come from {@code model}'s graph. */
    public static OnnxInterpreter create(OnnxModel model, Subgraph subgraph, InterpreterOptions options, NDManager parent)
            throws InterpreterException {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(parent, "parent");
        ModelProto proto = model.proto();
        GraphProto g = subgraph.graph();
        int opset = defaultOpset(proto);
        List<Op> ops = new ArrayList<>();
        for (int i : subgraph.nodes()) {
            NodeProto n = g.getNode(i);
            ops.add(OpRegistry.find(n.getDomain(), n.getOpType()).orElseThrow(() ->
                    new UnsupportedOpException(n.getDomain(), n.getOpType(), n.getName(), i, OpRegistry.supported())));
        }
        Map<String, TensorProto> byName = new HashMap<>();
        for (TensorProto t : g.getInitializerList()) {
            byName.put(t.getName(), t);
        }
        NDManager m = parent.newSubManager();
        Map<String, NDArray> params = new LinkedHashMap<>();
        Map<String, NDArray> frozen = new HashMap<>();
        Map<String, Value.Host> host = new HashMap<>();
        try {
            for (String name : subgraph.initializers()) {
                TensorProto t = byName.get(name);
                Value v = TensorData.decode(t, m, options.floatType());
                if (v instanceof Value.Host h) {
                    host.put(name, h);
                    continue;
                }
                NDArray a = ((Value.Dense) v).array();
                a.setName(name);
                if (a.getDataType() == options.floatType() && options.trainable().test(name)) {
                    a.setRequiresGradient(true);
                    params.put(name, a);
                } else {
                    frozen.put(name, a);
                }
            }
        } catch (RuntimeException e) {
            m.close();
            throw new InterpreterException("cannot load the initializers of graph '" + g.getName() + "': " + e.getMessage(),
                    null, null, -1, e);
        }
        return new OnnxInterpreter(subgraph, opset, List.copyOf(ops), options, m, params, frozen, host);
    }

    private static int defaultOpset(ModelProto m) throws InterpreterException {
        for (OperatorSetIdProto o : m.getOpsetImportList()) {
            if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
                return Math.toIntExact(o.getVersion());
            }
        }
        throw new InterpreterException("model graph '" + m.getGraph().getName() + "' imports no ai.onnx opset;"
                + " expected one, the interpreter reads op semantics from it");
    }

    /** What it interprets. */
    public Subgraph subgraph() {
        return subgraph;
    }

    /** The tensors {@link #forward} must be fed: the cuts, then the graph inputs the part reads. */
    public List<String> feeds() {
        return subgraph.feeds();
    }

    /** The trainable parameters by initializer name, in graph order; gradients attach to these arrays. */
    public Map<String, NDArray> parameters() {
        return parameters;
    }

    /** The graph's ai.onnx opset. */
    public int opset() {
        return opset;
    }

    /**
     * Runs the graph on {@code feeds}. Arrays made on the way, outputs included, belong to {@code batch}.
     * Under a gradient collector the outputs carry the autograd graph back to {@link #parameters()}.
     *
     * @return the outputs by name, in {@link Subgraph#outputs()} order
     * @throws InterpreterException if a feed is missing or a node fails (naming the node and its input shapes)
     */
    public Map<String, NDArray> forward(NDManager batch, Map<String, NDArray> feeds) throws InterpreterException {
        Objects.requireNonNull(batch, "batch");
        GraphProto g = subgraph.graph();
        Map<String, Value> env = new HashMap<>();
        for (String f : subgraph.feeds()) {
            NDArray a = feeds.get(f);
            if (a == null) {
                throw new InterpreterException("no value fed for '" + f + "'; expected feeds " + subgraph.feeds()
                        + ", got " + feeds.keySet());
            }
            if (a.getDataType().isFloating() && a.getDataType() != options.floatType()) {
                a = a.toType(options.floatType(), false);
            }
            env.put(f, new Value.Dense(inBatch(a, batch)));
        }
        hostConstants.forEach(env::put);
        List<Integer> nodes = subgraph.nodes();
        for (int k = 0; k < nodes.size(); k++) {
            int index = nodes.get(k);
            NodeProto n = g.getNode(index);
            List<Value> ins = new ArrayList<>(n.getInputCount());
            boolean allHost = true;
            for (String name : n.getInputList()) {
                Value v = name.isEmpty() ? null : lookup(name, env, batch);
                allHost &= v == null || v instanceof Value.Host;
                ins.add(v);
            }
            List<Value> outs;
            try {
                outs = ops.get(k).apply(new OpContext(n, opset, batch, options.floatType()), ins);
            } catch (RuntimeException e) {
                throw new InterpreterException(e.getMessage() + " (input shapes " + shapes(ins) + ")",
                        n.getOpType(), n.getName(), index, e);
            }
            for (int o = 0; o < n.getOutputCount() && o < outs.size(); o++) {
                Value v = outs.get(o);
                if (v instanceof Value.Dense d) {
                    NDArray a = inBatch(d.array(), batch);
                    // Results of host-only inputs are shape plumbing too: keep them in Java for the next nodes.
                    v = allHost && a.getDataType() == DataType.INT64 ? new Value.Host(a.toLongArray(), a.getShape().getShape())
                            : new Value.Dense(a);
                }
                env.put(n.getOutput(o), v);
            }
        }
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (String name : subgraph.outputs()) {
            out.put(name, Value.nd(lookup(name, env, batch), batch));
        }
        return out;
    }

    private Value lookup(String name, Map<String, Value> env, NDManager batch) {
        Value v = env.get(name);
        if (v == null) {
            NDArray p = parameters.get(name);
            if (p == null) {
                p = frozen.get(name);
            }
            if (p == null) {
                throw new IllegalStateException("tensor '" + name + "' has no value; the subgraph should have ordered its nodes");
            }
            // A view owned by the batch: ops on it put their results in the batch, and gradients reach the parameter.
            NDArray view = p.reshape(p.getShape());
            view.attach(batch);
            v = new Value.Dense(view);
            env.put(name, v);
        }
        return v;
    }

    private static NDArray inBatch(NDArray a, NDManager batch) {
        if (a.getManager() != batch) {
            NDArray view = a.reshape(a.getShape());
            view.attach(batch);
            return view;
        }
        return a;
    }

    private static String shapes(List<Value> ins) {
        List<String> s = new ArrayList<>();
        for (Value v : ins) {
            s.add(v == null ? "absent" : Arrays.toString(v.shape()) + (v instanceof Value.Host ? " int64 host" : " " + ((Value.Dense) v).type()));
        }
        return s.toString();
    }

    /**
     * {@code model} with the current values of {@link #parameters()} in place of the initializers of
     * the same names (as float32, as the model holds them); nodes, inputs, outputs, other
     * initializers and metadata are unchanged. {@code model} is the model this interpreter was built
     * from, or one with the same initializers (the exported graph with heads appended).
     *
     * @throws InterpreterException if {@code model} lacks an initializer of a parameter's name, or holds it with other dims
     */
    public OnnxModel writeBack(OnnxModel model) throws InterpreterException {
        GraphProto.Builder g = model.proto().getGraph().toBuilder();
        Map<String, Integer> at = new HashMap<>();
        for (int i = 0; i < g.getInitializerCount(); i++) {
            at.put(g.getInitializer(i).getName(), i);
        }
        for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
            Integer i = at.get(e.getKey());
            if (i == null) {
                throw new InterpreterException("model graph '" + g.getName() + "' has no initializer '" + e.getKey()
                        + "' to write the trained parameter into; expected the model the interpreter was built from");
            }
            TensorProto old = g.getInitializer(i);
            long[] dims = TensorData.dims(old);
            long[] shape = e.getValue().getShape().getShape();
            if (!Arrays.equals(dims, shape) || old.getDataType() != TensorProto.DataType.FLOAT_VALUE) {
                throw new InterpreterException("initializer '" + e.getKey() + "' of model graph '" + g.getName() + "' is "
                        + TensorProto.DataType.forNumber(old.getDataType()) + " " + Arrays.toString(dims)
                        + ", expected FLOAT " + Arrays.toString(shape) + " like the trained parameter");
            }
            NDArray p = e.getValue();
            float[] values;
            if (p.getDataType() == DataType.FLOAT32) {
                values = p.toFloatArray();
            } else {
                try (NDArray f = p.toType(DataType.FLOAT32, false)) {
                    values = f.toFloatArray();
                }
            }
            g.setInitializer(i, Tensors.floats(e.getKey(), values, dims).toBuilder().setDocString(old.getDocString()));
        }
        return OnnxModel.of(model.proto().toBuilder().setGraph(g).build());
    }

    @Override
    public void close() {
        manager.close();
    }
}
