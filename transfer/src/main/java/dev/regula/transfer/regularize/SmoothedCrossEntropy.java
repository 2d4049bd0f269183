package dev.regula.transfer.regularize;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Cross-entropy with label smoothing and class weights.
 *
 * <p>For a row with label y the target is {@code q_c = (1−ε)·[c = y] + ε/C} and the row loss is
 * {@code ℓ_i = −Σ_c q_c · log softmax(z_i)_c}. The batch loss is the class-weighted mean
 * {@code Σ_i a_{y_i}·ℓ_i / Σ_i a_{y_i}} (PyTorch's convention for weighted cross-entropy); with
 * all weights 1 it is the plain mean.
 */
public final class SmoothedCrossEntropy {
    private final double[] epsilon;
    private final float[][] classWeights;

    /**
     * One head.
     *
     * @param epsilon label smoothing in [0, 1)
     * @param classWeights weight per class (positive), or null for all ones
     */
    public SmoothedCrossEntropy(double epsilon, float[] classWeights) {
        this(new double[] {epsilon}, new float[][] {classWeights});
    }

    /**
     * A stack of K heads: one smoothing and one class-weight vector (or null) per head.
     */
    public SmoothedCrossEntropy(double[] epsilon, float[][] classWeights) {
        if (epsilon.length == 0 || classWeights.length != epsilon.length) {
            throw new IllegalArgumentException("label_smoothing and class_weights: expected one entry per head, got "
                    + epsilon.length + " and " + classWeights.length);
        }
        for (double e : epsilon) {
            if (!(e >= 0 && e < 1)) {
                throw new IllegalArgumentException("label_smoothing must be in [0, 1), got " + e);
            }
        }
        this.epsilon = epsilon.clone();
        this.classWeights = new float[classWeights.length][];
        for (int k = 0; k < classWeights.length; k++) {
            this.classWeights[k] = classWeights[k] == null ? null : classWeights[k].clone();
        }
    }

    /**
     * One head's loss.
     *
     * @param logits {@code [N, C]} pre-softmax scores
     * @param labels {@code [N]} label indices
     * @return the loss, one element
     */
    public NDArray loss(NDArray logits, int[] labels) {
        return loss(logits, labels, null);
    }

    /**
     * Per-head losses of a stack.
     *
     * @param logits {@code [K, N, C]} pre-softmax scores ({@code [N, C]} for one head)
     * @param labels {@code [N]} label indices, shared by the heads
     * @param rowWeights per head, a weight {@code >= 0} per row that multiplies its class weight
     *     (bootstrap counts), or null for all ones; a head whose rows all weigh 0 gets a loss of 0
     * @return {@code [K]} losses (one element for {@code [N, C]} logits)
     */
    public NDArray loss(NDArray logits, int[] labels, float[][] rowWeights) {
        int heads = epsilon.length;
        int axis = logits.getShape().dimension() - 1;
        int c = Math.toIntExact(logits.getShape().get(axis));
        int n = labels.length;
        boolean shared = java.util.Arrays.stream(epsilon).allMatch(e -> e == epsilon[0]);
        int targets = shared ? 1 : heads;
        float[] q = new float[targets * n * c];
        for (int k = 0; k < targets; k++) {
            float off = (float) (epsilon[k] / c);
            int base = k * n * c;
            java.util.Arrays.fill(q, base, base + n * c, off);
            for (int i = 0; i < n; i++) {
                q[base + i * c + labels[i]] += (float) (1 - epsilon[k]);
            }
        }
        var m = logits.getManager();
        Shape rows = shared || axis == 1 ? new Shape(n, c) : new Shape(heads, n, c);
        NDArray target = m.create(q, rows).toDevice(logits.getDevice(), false);
        NDArray rowLoss = logits.logSoftmax(axis).mul(target).sum(new int[] {axis}).neg();
        int[] batchAxis = {axis - 1};
        boolean weighted = rowWeights != null || java.util.Arrays.stream(classWeights).anyMatch(java.util.Objects::nonNull);
        if (!weighted) {
            // Weights of 1 sum to n exactly and multiply exactly: the plain mean is the same number.
            NDArray sum = rowLoss.sum(batchAxis);
            return sum.div(GraphScalars.of(sum, n));
        }
        float[] a = new float[heads * n];
        double[] empty = new double[heads];
        boolean anyEmpty = false;
        for (int k = 0; k < heads; k++) {
            double total = 0;
            for (int i = 0; i < n; i++) {
                float cw = classWeights[k] == null ? 1f : classWeights[k][labels[i]];
                a[k * n + i] = rowWeights == null || rowWeights[k] == null ? cw : cw * rowWeights[k][i];
                total += a[k * n + i];
            }
            if (total == 0) {
                empty[k] = 1;
                anyEmpty = true;
            }
        }
        NDArray rowWeight = m.create(a, axis == 1 ? new Shape(n) : new Shape(heads, n)).toDevice(logits.getDevice(), false);
        NDArray denominator = rowWeight.sum(batchAxis);
        if (anyEmpty) {
            // 0/0 would be NaN; 0/1 is the empty batch's loss, and its gradient is zero.
            denominator = denominator.add(HeadAxis.vector(denominator, empty));
        }
        return rowLoss.mul(rowWeight).sum(batchAxis).div(denominator);
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
