package dev.regula.transfer.regularize;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * A term added to the training loss, computed from the parameters of a stack of K heads (K = 1
 * for a single head). Weights and biases are passed per layer, with the head as leading axis
 * ({@code [K, ...]}; any shape when K = 1); a penalty reads biases only when it was built with
 * {@code includeBias}. Strengths are per head, so heads of one stack may differ in strength.
 */
public interface Penalty {
    /**
     * @param weights per-layer weights {@code [K, out, in]}
     * @param biases per-layer biases {@code [K, 1, out]}
     * @return per-head values {@code [K]}
     */
    NDArray value(List<NDArray> weights, List<NDArray> biases);

    /** The arrays a penalty acts on: weights, plus biases when {@code includeBias}. */
    static List<NDArray> targets(List<NDArray> weights, List<NDArray> biases, boolean includeBias) {
        if (!includeBias) {
            return weights;
        }
        java.util.ArrayList<NDArray> all = new java.util.ArrayList<>(weights);
        all.addAll(biases);
        return all;
    }

    /** Per-head sums {@code [K]} of {@code f(array)} over arrays (at least one), added layer by layer. */
    static NDArray sum(List<NDArray> arrays, java.util.function.UnaryOperator<NDArray> f, int heads) {
        NDArray total = null;
        for (NDArray a : arrays) {
            NDArray t = HeadAxis.sums(f.apply(a), heads);
            total = total == null ? t : total.add(t);
        }
        return total;
    }

    /** Checks one strength per head, each >= 0, naming {@code key} when one is not. */
    static double[] strengths(String key, double[] values) {
        if (values.length == 0) {
            throw new IllegalArgumentException(key + ": expected one strength per head, got none");
        }
        for (double v : values) {
            if (!(v >= 0)) {
                throw new IllegalArgumentException(key + " must be >= 0, got " + v);
            }
        }
        return values.clone();
    }
}
