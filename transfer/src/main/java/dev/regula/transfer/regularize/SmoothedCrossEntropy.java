package dev.regula.transfer.regularize;

import ai.djl.ndarray.NDArray;

/**
 * Cross-entropy with label smoothing and class weights.
 *
 * <p>For a row with label y the target is {@code q_c = (1−ε)·[c = y] + ε/C} and the row loss is
 * {@code ℓ_i = −Σ_c q_c · log softmax(z_i)_c}. The batch loss is the class-weighted mean
 * {@code Σ_i a_{y_i}·ℓ_i / Σ_i a_{y_i}} (PyTorch's convention for weighted cross-entropy); with
 * all weights 1 it is the plain mean.
 */
public final class SmoothedCrossEntropy {
    private final double epsilon;
    private final float[] classWeights;

    /**
     * @param epsilon label smoothing in [0, 1)
     * @param classWeights weight per class (positive), or null for all ones
     */
    public SmoothedCrossEntropy(double epsilon, float[] classWeights) {
        if (!(epsilon >= 0 && epsilon < 1)) {
            throw new IllegalArgumentException("label_smoothing must be in [0, 1), got " + epsilon);
        }
        this.epsilon = epsilon;
        this.classWeights = classWeights == null ? null : classWeights.clone();
    }

    /**
     * @param logits {@code [N, C]} pre-softmax scores
     * @param labels {@code [N]} label indices (int32 or int64 array on the same device)
     * @return scalar loss
     */
    public NDArray loss(NDArray logits, int[] labels) {
        int c = Math.toIntExact(logits.getShape().get(1));
        int n = labels.length;
        float[] q = new float[n * c];
        float[] a = new float[n];
        float off = (float) (epsilon / c);
        for (int i = 0; i < n; i++) {
            java.util.Arrays.fill(q, i * c, (i + 1) * c, off);
            q[i * c + labels[i]] += (float) (1 - epsilon);
            a[i] = classWeights == null ? 1f : classWeights[labels[i]];
        }
        var m = logits.getManager();
        NDArray target = m.create(q, logits.getShape()).toDevice(logits.getDevice(), false);
        NDArray rowLoss = logits.logSoftmax(1).mul(target).sum(new int[] {1}).neg();
        if (classWeights == null) {
            // Weights of 1 sum to n exactly and multiply exactly: the plain mean is the same number.
            NDArray sum = rowLoss.sum();
            return sum.div(GraphScalars.of(sum, n));
        }
        NDArray rowWeight = m.create(a).toDevice(logits.getDevice(), false);
        return rowLoss.mul(rowWeight).sum().div(rowWeight.sum());
    }

    /**
     * Balanced class weights {@code n / (C · n_c)} from label counts.
     *
     * @throws IllegalArgumentException when a class has no example (its weight would be infinite)
     */
    public static float[] balanced(int[] labels, int classes) {
        long[] count = new long[classes];
        for (int y : labels) {
            count[y]++;
        }
        float[] w = new float[classes];
        for (int k = 0; k < classes; k++) {
            if (count[k] == 0) {
                throw new IllegalArgumentException("class_weights: balanced needs every class in the training split, class " + k + " has no example");
            }
            w[k] = (float) ((double) labels.length / ((double) classes * count[k]));
        }
        return w;
    }
}
