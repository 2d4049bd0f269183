package dev.regula.models.quant;

import dev.regula.models.OnnxModel;
import dev.regula.models.Tensors;
import dev.regula.models.onnx.GraphProto;
import dev.regula.models.onnx.NodeProto;
import dev.regula.models.onnx.TensorProto;
import dev.regula.models.runtime.OrtRunner;
import dev.regula.models.runtime.RunnerException;
import dev.regula.models.runtime.RunnerOptions;
import dev.regula.models.runtime.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * SmoothQuant-style migration of activation outliers into the weights, as an fp32 graph rewrite
 * that leaves the model's outputs unchanged up to float rounding.
 *
 * <p>Why: a per-tensor activation scale must cover the largest channel. MiniLM's LayerNorm outputs
 * reach ~30 in a handful of channels while the rest stay within ±3, so uint8 steps are ~0.17 wide
 * for all of them. For each activation {@code x} read by quantizable MatMuls with weights
 * {@code W_1..W_m} ({@code [K, N]}), per input channel {@code j}:
 * {@code s_j = max|x_j|^alpha / max_i max_n |W_i[j, n]|^(1 - alpha)}; the graph then computes
 * {@code (x * (1/s)) @ (diag(s) W)}, which equals {@code x @ W}. The quantizer then sees a
 * flatter {@code x / s} and weights whose rows carry the outliers; int8 weights have 127 steps per
 * side and one row's growth is shared by the whole tensor, so {@code alpha} balances the two.
 *
 * <p>The {@code 1/s} is an explicit {@code Mul} rather than folded into the preceding LayerNorm:
 * in a post-LN transformer that LayerNorm's output also feeds the residual sum, which must stay
 * unscaled. The Mul is one element-wise pass over the activation, small beside the MatMul.
 */
public final class Smoothing {
    /** The SmoothQuant paper's default migration strength for encoder models. */
    public static final double DEFAULT_ALPHA = 0.5;
    private static final float EPS = 1e-5f;

    private Smoothing() {
    }

    /**
     * Per input channel (last axis), the largest |value| of each {@linkplain Quantizer#activations
     * quantizable activation} over the calibration batches (train rows only: the caller picks them).
     */
    public static Map<String, float[]> channelAbsMax(OnnxModel fp32, Iterable<Map<String, Tensor>> batches)
            throws RunnerException {
        Map<String, Integer> channels = channels(fp32);
        Map<String, float[]> out = new LinkedHashMap<>();
        channels.forEach((a, k) -> out.put(a, new float[k]));
        int runs = 0;
        try (OrtRunner runner = OrtRunner.open(Quantizer.calibrationModel(fp32), RunnerOptions.defaults())) {
            for (Map<String, Tensor> feed : batches) {
                Map<String, Tensor> res = runner.run(feed);
                for (Map.Entry<String, float[]> e : out.entrySet()) {
                    observe(e.getValue(), res.get(e.getKey()).floats(), e.getKey());
                }
                runs++;
            }
        }
        if (runs == 0) {
            throw new IllegalArgumentException("smoothing needs at least one batch of train rows, got none");
        }
        return out;
    }

    /** Folds one batch's values (last axis = channel) into the running per-channel |max|. */
    static void observe(float[] absMax, float[] values, String tensor) {
        int k = absMax.length;
        if (values.length % k != 0) {
            throw new IllegalArgumentException("activation '" + tensor + "' has " + values.length
                    + " values, expected a multiple of its " + k + " channels (the MatMul weight's rows)");
        }
        for (int i = 0; i < values.length; i++) {
            float v = Math.abs(values[i]);
            int j = i % k;
            if (v > absMax[j]) {
                absMax[j] = v;
            }
        }
    }

    /**
     * The per-channel scales {@code s_j = max(a_j, eps)^alpha / max(w_j, eps)^(1 - alpha)}.
     *
     * @param actAbsMax per channel max |x_j|
     * @param weightRowAbsMax per channel max |W[j, :]| over every weight that reads x
     */
    static float[] scales(float[] actAbsMax, float[] weightRowAbsMax, double alpha) {
        float[] s = new float[actAbsMax.length];
        for (int j = 0; j < s.length; j++) {
            double a = Math.max(actAbsMax[j], EPS);
            double w = Math.max(weightRowAbsMax[j], EPS);
            s[j] = (float) (Math.pow(a, alpha) / Math.pow(w, 1 - alpha));
        }
        return s;
    }

    /**
     * The smoothed fp32 model: for each activation in {@code actAbsMax}, a Mul by {@code 1/s} before
     * its quantizable MatMuls and their weights' rows scaled by {@code s}.
     *
     * @param alpha migration strength in [0, 1]: 0 leaves activations as they are, 1 moves all their range into the weights
     * @throws IllegalArgumentException if alpha is outside [0, 1] or a channel count does not match, naming the tensor
     */
    public static OnnxModel smooth(OnnxModel fp32, Map<String, float[]> actAbsMax, double alpha) {
        if (!(alpha >= 0 && alpha <= 1)) {
            throw new IllegalArgumentException("smoothing alpha must be in [0, 1], got " + alpha);
        }
        GraphProto g = fp32.proto().getGraph();
        Map<String, TensorProto> inits = new HashMap<>();
        g.getInitializerList().forEach(t -> inits.put(t.getName(), t));
        Map<String, List<NodeProto>> readers = Quantizer.quantizableReaders(fp32);
        Map<String, Integer> weightReads = new HashMap<>();
        g.getNodeList().forEach(n -> n.getInputList().forEach(i -> weightReads.merge(i, 1, Integer::sum)));

        Set<String> taken = new HashSet<>(inits.keySet());
        g.getNodeList().forEach(n -> {
            taken.addAll(n.getOutputList());
            taken.add(n.getName());
        });
        g.getInputList().forEach(v -> taken.add(v.getName()));

        Map<String, float[]> invScale = new LinkedHashMap<>(); // x -> 1/s
        Map<String, String> smoothedName = new HashMap<>(); // x -> x_smoothed
        Map<String, TensorProto> newWeights = new LinkedHashMap<>(); // old W name -> scaled W (same name if W is only read here)
        Map<String, String> weightRename = new HashMap<>(); // node name + W -> new W name
        for (Map.Entry<String, List<NodeProto>> e : readers.entrySet()) {
            String x = e.getKey();
            float[] a = actAbsMax.get(x);
            if (a == null) {
                continue;
            }
            int k = (int) inits.get(e.getValue().get(0).getInput(1)).getDims(0);
            if (a.length != k) {
                throw new IllegalArgumentException("activation '" + x + "' has " + a.length
                        + " channel maxima, expected " + k + " (the rows of the MatMul weights that read it)");
            }
            float[] wMax = new float[k];
            for (NodeProto n : e.getValue()) {
                TensorProto w = inits.get(n.getInput(1));
                float[] data = Tensors.toFloats(w);
                int cols = (int) w.getDims(1);
                for (int j = 0; j < k; j++) {
                    for (int c = 0; c < cols; c++) {
                        wMax[j] = Math.max(wMax[j], Math.abs(data[j * cols + c]));
                    }
                }
            }
            float[] s = scales(a, wMax, alpha);
            float[] inv = new float[k];
            for (int j = 0; j < k; j++) {
                inv[j] = 1f / s[j];
            }
            invScale.put(x, inv);
            smoothedName.put(x, fresh(taken, x + "_smoothed"));
            for (NodeProto n : e.getValue()) {
                String wName = n.getInput(1);
                TensorProto w = inits.get(wName);
                float[] data = Tensors.toFloats(w);
                int cols = (int) w.getDims(1);
                for (int j = 0; j < k; j++) {
                    for (int c = 0; c < cols; c++) {
                        data[j * cols + c] *= s[j];
                    }
                }
                // A weight read elsewhere too keeps its fp32 values there; this MatMul gets its own copy.
                String name = weightReads.get(wName) == 1 && !newWeights.containsKey(wName) ? wName
                        : fresh(taken, wName + "_smoothed");
                newWeights.put(name, Tensors.floats(name, data, w.getDims(0), w.getDims(1)));
                weightRename.put(n.getName() + "\u0000" + n.getOutput(0), name);
            }
        }

        GraphProto.Builder b = g.toBuilder().clearNode();
        Set<String> mulDone = new HashSet<>();
        for (NodeProto n : g.getNodeList()) {
            String renamed = weightRename.get(n.getName() + "\u0000" + (n.getOutputCount() > 0 ? n.getOutput(0) : ""));
            if (renamed == null) {
                b.addNode(n);
                continue;
            }
            String x = n.getInput(0);
            String xs = smoothedName.get(x);
            if (mulDone.add(x)) {
                String inv = fresh(taken, x + "_smooth_scale");
                b.addInitializer(Tensors.floats(inv, invScale.get(x), invScale.get(x).length));
                b.addNode(NodeProto.newBuilder().setOpType("Mul").setName(fresh(taken, x + "_smooth_Mul"))
                        .addInput(x).addInput(inv).addOutput(xs).build());
            }
            b.addNode(n.toBuilder().setInput(0, xs).setInput(1, renamed).build());
        }
        List<TensorProto> kept = new ArrayList<>();
        for (TensorProto t : b.getInitializerList()) {
            if (!newWeights.containsKey(t.getName())) {
                kept.add(t);
            }
        }
        b.clearInitializer().addAllInitializer(kept).addAllInitializer(newWeights.values());
        return OnnxModel.of(fp32.proto().toBuilder().setGraph(b).build());
    }

    /** Smooths with ranges from the calibration batches: {@link #channelAbsMax} then {@link #smooth}. */
    public static OnnxModel smooth(OnnxModel fp32, Iterable<Map<String, Tensor>> batches, double alpha)
            throws RunnerException {
        return smooth(fp32, channelAbsMax(fp32, batches), alpha);
    }

    private static Map<String, Integer> channels(OnnxModel model) {
        Map<String, TensorProto> inits = new HashMap<>();
        model.proto().getGraph().getInitializerList().forEach(t -> inits.put(t.getName(), t));
        Map<String, Integer> out = new LinkedHashMap<>();
        Quantizer.quantizableReaders(model).forEach((x, ns) -> out.put(x, (int) inits.get(ns.get(0).getInput(1)).getDims(0)));
        return out;
    }

    private static String fresh(Set<String> taken, String hint) {
        String s = hint;
        for (int i = 1; !taken.add(s); i++) {
            s = hint + "_" + i;
        }
        return s;
    }
}
