package dev.regula.ensemble;

/**
 * L2-regularized multinomial logistic regression fitted by accelerated full-batch gradient
 * descent. Features are standardised internally (so one step size suits log-probabilities of any
 * spread) and the scaling is folded back into the returned weights, which act on raw features.
 *
 * @param w {@code [C][F]} on raw features
 * @param b {@code [C]}
 */
record LogisticMeta(float[][] w, float[] b) {
    private static final int ITERATIONS = 600;
    /** Rows whose logits are computed together: independent sums the CPU can overlap. */
    private static final int BLOCK = 4;

    /** Minimises mean cross-entropy + (l2/2)·||W_std||² over rows {@code idx} of {@code x}. */
    static LogisticMeta fit(double[][] x, int[] y, int[] idx, int classes, double l2) {
        int f = x[0].length;
        double[] mu = new double[f];
        double[] sd = new double[f];
        for (int r : idx) {
            for (int j = 0; j < f; j++) {
                mu[j] += x[r][j];
            }
        }
        for (int j = 0; j < f; j++) {
            mu[j] /= idx.length;
        }
        for (int r : idx) {
            for (int j = 0; j < f; j++) {
                sd[j] += (x[r][j] - mu[j]) * (x[r][j] - mu[j]);
            }
        }
        for (int j = 0; j < f; j++) {
            sd[j] = Math.sqrt(sd[j] / idx.length);
            // A constant feature carries nothing; scale 1 keeps it harmless.
            sd[j] = sd[j] < 1e-8 ? 1 : sd[j];
        }
        double[][] z = new double[idx.length][f];
        for (int i = 0; i < idx.length; i++) {
            for (int j = 0; j < f; j++) {
                z[i][j] = (x[idx[i]][j] - mu[j]) / sd[j];
            }
        }
        // Softmax cross-entropy has a Hessian bounded by ½·λmax(ZᵀZ/N) ≤ ½·(F + 1) after standardising.
        double step = 1.0 / (0.5 * (f + 1) + l2);
        int p = (f + 1) * classes;
        double[] theta = new double[p];
        double[] prev = new double[p];
        double[] look = new double[p];
        double[] grad = new double[p];
        double[] logits = new double[classes];
        double[][] block = new double[BLOCK][classes];
        for (int it = 1; it <= ITERATIONS; it++) {
            double mom = (it - 1.0) / (it + 2.0);
            for (int q = 0; q < p; q++) {
                look[q] = theta[q] + mom * (theta[q] - prev[q]);
            }
            java.util.Arrays.fill(grad, 0);
            for (int i0 = 0; i0 < idx.length; i0 += BLOCK) {
                int rows = Math.min(BLOCK, idx.length - i0);
                logitsOfBlock(look, z, i0, rows, classes, f, block);
                for (int b = 0; b < rows; b++) {
                    int i = i0 + b;
                    double max = Double.NEGATIVE_INFINITY;
                    for (int c = 0; c < classes; c++) {
                        logits[c] = block[b][c];
                        max = Math.max(max, logits[c]);
                    }
                    double sum = 0;
                    for (int c = 0; c < classes; c++) {
                        logits[c] = Math.exp(logits[c] - max);
                        sum += logits[c];
                    }
                    int yi = y[idx[i]];
                    double[] zi = z[i];
                    for (int c = 0; c < classes; c++) {
                        double d = logits[c] / sum - (c == yi ? 1 : 0);
                        int base = c * (f + 1);
                        for (int j = 0; j < f; j++) {
                            grad[base + j] += d * zi[j];
                        }
                        grad[base + f] += d;
                    }
                }
            }
            System.arraycopy(theta, 0, prev, 0, p);
            for (int q = 0; q < p; q++) {
                boolean bias = q % (f + 1) == f;
                double g = grad[q] / idx.length + (bias ? 0 : l2 * look[q]);
                theta[q] = look[q] - step * g;
            }
        }
        float[][] w = new float[classes][f];
        float[] b = new float[classes];
        for (int c = 0; c < classes; c++) {
            double bias = theta[c * (f + 1) + f];
            for (int j = 0; j < f; j++) {
                double wj = theta[c * (f + 1) + j] / sd[j];
                w[c][j] = (float) wj;
                bias -= wj * mu[j];
            }
            b[c] = (float) bias;
        }
        return new LogisticMeta(w, b);
    }

    /**
     * Logits {@code out[b][c]} of rows {@code i0..i0+rows-1} of {@code z} under {@code theta}. Each
     * row's sum is formed in the same order as a one-row loop (bias, then features in order), so the
     * result is the same bit for bit; four rows at a time only lets their additions overlap.
     */
    private static void logitsOfBlock(double[] theta, double[][] z, int i0, int rows, int classes, int f, double[][] out) {
        for (int c = 0; c < classes; c++) {
            int base = c * (f + 1);
            double bias = theta[base + f];
            if (rows == BLOCK) {
                double[] z0 = z[i0];
                double[] z1 = z[i0 + 1];
                double[] z2 = z[i0 + 2];
                double[] z3 = z[i0 + 3];
                double s0 = bias;
                double s1 = bias;
                double s2 = bias;
                double s3 = bias;
                for (int j = 0; j < f; j++) {
                    double w = theta[base + j];
                    s0 += w * z0[j];
                    s1 += w * z1[j];
                    s2 += w * z2[j];
                    s3 += w * z3[j];
                }
                out[0][c] = s0;
                out[1][c] = s1;
                out[2][c] = s2;
                out[3][c] = s3;
            } else {
                for (int b = 0; b < rows; b++) {
                    double[] zb = z[i0 + b];
                    double s = bias;
                    for (int j = 0; j < f; j++) {
                        s += theta[base + j] * zb[j];
                    }
                    out[b][c] = s;
                }
            }
        }
    }

    /** Class probabilities of one raw feature row. */
    float[] predict(double[] x) {
        double[] z = new double[b.length];
        for (int c = 0; c < b.length; c++) {
            double s = b[c];
            for (int j = 0; j < x.length; j++) {
                s += w[c][j] * x[j];
            }
            z[c] = s;
        }
        return Forward.softmax(z);
    }
}
