package dev.regula.transfer.regularize;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * A term added to the training loss, computed from the head's parameters. Weights and biases
 * are passed per layer; a penalty reads biases only when it was built with {@code includeBias}.
 */
public interface Penalty {
    /**
     * @param weights per-layer weights {@code [out, in]}
     * @param biases per-layer biases {@code [out]}
     * @return scalar array
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

    /** Sums {@code f(array)} over arrays (at least one). */
    static NDArray sum(List<NDArray> arrays, java.util.function.UnaryOperator<NDArray> f) {
        NDArray total = null;
        for (NDArray a : arrays) {
            NDArray t = f.apply(a).sum();
            total = total == null ? t : total.add(t);
        }
        return total;
    }
}
