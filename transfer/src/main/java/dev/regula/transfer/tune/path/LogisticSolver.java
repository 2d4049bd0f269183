package dev.regula.transfer.tune.path;

import dev.regula.transfer.features.FeatureMatrix;

/**
 * Full-batch solver for penalised multinomial logistic regression, the objective a {@code linear} head
 * trains under {@code l1}/{@code l2}/{@code elastic_net}:
 * {@code mean NLL + a1·Σ|W| + a2·ΣW²} (no ½, biases unpenalised, as {@code L1Penalty}/{@code L2Penalty}).
 *
 * <p>Plain Java: the two products with the data ({@code X·W}, {@code Xᵀ·R}) are float32 axpy loops over
 * a row-major and a column-major copy of the features (which the JIT turns into SIMD code; through DJL
 * the per-call overhead of creating and reading back small arrays cost more than the products),
 * everything else (softmax, loss, the optimizer's vectors) is double. No native memory, so solvers run
 * on any number of threads. A smooth
 * objective ({@code a1 = 0}) is minimised by L-BFGS (memory 10, Armijo backtracking); with an L1 part,
 * by FISTA with backtracking and gradient-based adaptive restart (proximal step = soft threshold), which
 * yields exact zeros. Both stop when the largest entry of the (proximal) gradient is at most
 * {@code tol}, like scikit-learn's lbfgs {@code tol} on the mean loss, or after {@code maxIter}.
 *
 * <p>Binary problems use one logit {@code β} (K = 1): the two-class softmax optimum under these penalties
 * is the symmetric {@code W = [−β/2; β/2]}, for which {@code Σ|W| = |β|₁} and {@code ΣW² = |β|²/2}, so the
 * solver halves a2 and {@link #layer} maps β back. Not thread-safe; one per thread.
 */
public final class LogisticSolver implements AutoCloseable {
    private static final double FTOL = 1e7 * Math.ulp(1.0);
    private static final int BLOCK = 256;
    private final float[] x;
    private final float[] xt;
    private final int[] y;
    private final int n;
    private final int d;
    private final int classes;
    private final int k;
    private double lipschitz = Double.NaN;

    /** Copies {@code train} into both layouts; {@code classes} >= 2. */
    public LogisticSolver(FeatureMatrix train, int classes) {
        this.n = train.rows();
        this.d = train.dim();
        this.classes = classes;
        this.k = classes == 2 ? 1 : classes;
        this.y = train.labels().clone();
        this.x = train.toArray();
        this.xt = new float[x.length];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                xt[j * n + i] = x[i * d + j];
            }
        }
    }

    /** Number of parameters: K weight rows of d, then K biases. */
    public int parameters() {
        return k * (d + 1);
    }

    /** Result of one solve. */
    public record Solution(double[] theta, int iterations, double trainNll, boolean converged) {}

    /** The intercept-only fit (class log-priors) as a starting point. */
    public double[] interceptOnly() {
        double[] count = new double[classes];
        for (int label : y) {
            count[label]++;
        }
        double[] theta = new double[parameters()];
        if (k == 1) {
            double p = Math.min(Math.max(count[1] / n, 1e-9), 1 - 1e-9);
            theta[d] = Math.log(p / (1 - p));
        } else {
            for (int c = 0; c < k; c++) {
                theta[k * d + c] = Math.log(Math.max(count[c] / n, 1e-9));
            }
        }
        return theta;
    }

    /**
     * The gradient of the mean NLL w.r.t. the weights at {@code theta} (biases excluded), in the
     * parametrisation of the head's softmax layer: for binary data both rows' entries equal ±the β one.
     */
    public double maxAbsWeightGradient(double[] theta) {
        double[] g = new double[parameters()];
        evaluate(theta, 0, g);
        double m = 0;
        for (int i = 0; i < k * d; i++) {
            m = Math.max(m, Math.abs(g[i]));
        }
        return m;
    }

    /** Minimises the objective from {@code start} (not modified). */
    public Solution solve(double a1, double a2, double[] start, double tol, int maxIter) {
        double a2k = k == 1 ? a2 / 2 : a2;
        return a1 > 0 ? fista(a1, a2k, start, tol, maxIter) : lbfgs(a2k, start, tol, maxIter);
    }

    /** Mean NLL of the data term at {@code theta}, writing the gradient of NLL + a2·|W|² into {@code grad} when non-null. */
    double evaluate(double[] theta, double a2, double[] grad) {
        float[] zt = new float[k * n];
        for (int c = 0; c < k; c++) {
            timesColumns(theta, c * d, zt, c * n);
        }
        double loss = 0;
        float[] r = new float[n * k];
        double[] gb = new double[k];
        double[] p = new double[k];
        for (int i = 0; i < n; i++) {
            if (k == 1) {
                double zi = zt[i] + theta[d];
                double yi = y[i];
                loss += Math.max(zi, 0) + Math.log1p(Math.exp(-Math.abs(zi))) - yi * zi;
                double ri = 1 / (1 + Math.exp(-zi)) - yi;
                r[i] = (float) ri;
                gb[0] += ri;
            } else {
                double max = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < k; c++) {
                    p[c] = zt[c * n + i] + theta[k * d + c];
                    max = Math.max(max, p[c]);
                }
                double sum = 0;
                for (int c = 0; c < k; c++) {
                    p[c] = Math.exp(p[c] - max);
                    sum += p[c];
                }
                loss += Math.log(sum) + max - (zt[y[i] * n + i] + theta[k * d + y[i]]);
                for (int c = 0; c < k; c++) {
                    double ri = p[c] / sum - (c == y[i] ? 1 : 0);
                    r[c * n + i] = (float) ri;
                    gb[c] += ri;
                }
            }
        }
        if (grad != null) {
            for (int c = 0; c < k; c++) {
                double[] gw = rowsWeighted(r, c * n);
                for (int j = 0; j < d; j++) {
                    grad[c * d + j] = gw[j] / n + 2 * a2 * theta[c * d + j];
                }
                grad[k * d + c] = gb[c] / n;
            }
        }
        return loss / n;
    }

    /** {@code out[off + i] = Σ_j w[wOff + j]·x[i][j]}: axpy over the columns of Xᵀ, which the JIT vectorises. */
    private void timesColumns(double[] w, int wOff, float[] out, int off) {
        for (int j = 0; j < d; j++) {
            float wj = (float) w[wOff + j];
            if (wj == 0f) {
                continue;
            }
            int base = j * n;
            for (int i = 0; i < n; i++) {
                out[off + i] += wj * xt[base + i];
            }
        }
    }

    /** {@code Σ_i r[off + i]·x[i]}: axpy over rows, summed per block of rows in float and across blocks in double. */
    private double[] rowsWeighted(float[] r, int off) {
        double[] total = new double[d];
        float[] block = new float[d];
        for (int start = 0; start < n; start += BLOCK) {
            java.util.Arrays.fill(block, 0f);
            int end = Math.min(n, start + BLOCK);
            for (int i = start; i < end; i++) {
                float ri = r[off + i];
                int base = i * d;
                for (int j = 0; j < d; j++) {
                    block[j] += ri * x[base + j];
                }
            }
            for (int j = 0; j < d; j++) {
                total[j] += block[j];
            }
        }
        return total;
    }

    private double smooth(double[] theta, double a2, double[] grad) {
        double f = evaluate(theta, a2, grad);
        double sq = 0;
        for (int i = 0; i < k * d; i++) {
            sq += theta[i] * theta[i];
        }
        return f + a2 * sq;
    }

    private Solution lbfgs(double a2, double[] start, double tol, int maxIter) {
        int m = 10;
        int p = parameters();
        double[] xk = start.clone();
        double[] g = new double[p];
        double f = smooth(xk, a2, g);
        double[][] s = new double[m][];
        double[][] yv = new double[m][];
        double[] rho = new double[m];
        int stored = 0;
        int head = 0;
        int it = 0;
        boolean converged = false;
        double[] gNew = new double[p];
        double[] xNew = new double[p];
        while (true) {
            if (maxAbs(g) <= tol) {
                converged = true;
                break;
            }
            if (it >= maxIter) {
                break;
            }
            it++;
            double[] dir = g.clone();
            double[] alpha = new double[m];
            for (int i = 0; i < stored; i++) {
                int idx = Math.floorMod(head - 1 - i, m);
                alpha[idx] = rho[idx] * dot(s[idx], dir);
                axpy(-alpha[idx], yv[idx], dir);
            }
            if (stored > 0) {
                int last = Math.floorMod(head - 1, m);
                double scale = dot(s[last], yv[last]) / dot(yv[last], yv[last]);
                for (int i = 0; i < p; i++) {
                    dir[i] *= scale;
                }
            } else {
                double scale = 1 / Math.max(1, Math.sqrt(dot(g, g)));
                for (int i = 0; i < p; i++) {
                    dir[i] *= scale;
                }
            }
            for (int i = stored - 1; i >= 0; i--) {
                int idx = Math.floorMod(head - 1 - i, m);
                double beta = rho[idx] * dot(yv[idx], dir);
                axpy(alpha[idx] - beta, s[idx], dir);
            }
            for (int i = 0; i < p; i++) {
                dir[i] = -dir[i];
            }
            double slope = dot(g, dir);
            if (!(slope < 0)) {
                stored = 0;
                for (int i = 0; i < p; i++) {
                    dir[i] = -g[i];
                }
                slope = dot(g, dir);
            }
            double step = 1;
            double fNew = Double.NaN;
            for (int ls = 0; ls < 40; ls++) {
                for (int i = 0; i < p; i++) {
                    xNew[i] = xk[i] + step * dir[i];
                }
                fNew = smooth(xNew, a2, gNew);
                if (fNew <= f + 1e-4 * step * slope) {
                    break;
                }
                step *= 0.5;
            }
            if (!(fNew < f)) {
                break; // the line search found no decrease: the point is as good as the arithmetic allows
            }
            // scipy's L-BFGS-B stopping rule (factr 1e7): a relative decrease below 1e7·ε ends the solve.
            boolean flat = (f - fNew) / Math.max(Math.max(Math.abs(f), Math.abs(fNew)), 1) <= FTOL;
            double[] sv = new double[p];
            double[] yy = new double[p];
            for (int i = 0; i < p; i++) {
                sv[i] = xNew[i] - xk[i];
                yy[i] = gNew[i] - g[i];
            }
            double sy = dot(sv, yy);
            if (sy > 1e-12) {
                s[head] = sv;
                yv[head] = yy;
                rho[head] = 1 / sy;
                head = (head + 1) % m;
                stored = Math.min(stored + 1, m);
            }
            System.arraycopy(xNew, 0, xk, 0, p);
            System.arraycopy(gNew, 0, g, 0, p);
            f = fNew;
            if (flat) {
                converged = true;
                break;
            }
        }
        return new Solution(xk, it, evaluate(xk, 0, null), converged);
    }

    private Solution fista(double a1, double a2, double[] start, double tol, int maxIter) {
        int p = parameters();
        if (Double.isNaN(lipschitz)) {
            lipschitz = lipschitzEstimate();
        }
        double lip = (lipschitz + 2 * a2) / 0.9;
        double[] xk = start.clone();
        double[] yk = start.clone();
        double[] gy = new double[p];
        double[] xNew = new double[p];
        double t = 1;
        int it = 0;
        boolean converged = false;
        while (it < maxIter) {
            it++;
            double fy = smooth(yk, a2, gy);
            // Let the step grow back after a backtrack (L may only have been large far from the optimum).
            lip = Math.max(lipschitz + 2 * a2, lip * 0.9);
            double gap;
            while (true) {
                for (int i = 0; i < p; i++) {
                    double v = yk[i] - gy[i] / lip;
                    xNew[i] = i < k * d ? Math.signum(v) * Math.max(Math.abs(v) - a1 / lip, 0) : v;
                }
                double fx = smooth(xNew, a2, null);
                double q = fy;
                double sq = 0;
                for (int i = 0; i < p; i++) {
                    double diff = xNew[i] - yk[i];
                    q += gy[i] * diff;
                    sq += diff * diff;
                }
                // The slack absorbs float32 rounding in the losses, which near the optimum exceeds the quadratic term.
                if (fx <= q + lip / 2 * sq + 1e-6 * Math.abs(fy) || lip > 64 * (lipschitz + 2 * a2)) {
                    gap = Math.sqrt(sq);
                    break;
                }
                lip *= 2;
            }
            double mapping = 0;
            for (int i = 0; i < p; i++) {
                mapping = Math.max(mapping, Math.abs(yk[i] - xNew[i]) * lip);
            }
            double restart = 0;
            for (int i = 0; i < p; i++) {
                restart += (yk[i] - xNew[i]) * (xNew[i] - xk[i]);
            }
            double tNew = (1 + Math.sqrt(1 + 4 * t * t)) / 2;
            if (restart > 0) {
                tNew = 1;
            }
            for (int i = 0; i < p; i++) {
                double next = xNew[i] + ((t - 1) / tNew) * (xNew[i] - xk[i]);
                xk[i] = xNew[i];
                yk[i] = restart > 0 ? xNew[i] : next;
            }
            t = tNew;
            if (mapping <= tol || gap == 0) {
                converged = true;
                break;
            }
        }
        return new Solution(xk, it, evaluate(xk, 0, null), converged);
    }

    /** An upper bound on the Lipschitz constant of the mean-NLL gradient: c·λ_max([X 1]ᵀ[X 1])/n by power iteration. */
    private double lipschitzEstimate() {
        double[] v = new double[d + 1];
        java.util.Arrays.fill(v, 1 / Math.sqrt(d + 1));
        double lambda = 0;
        for (int it = 0; it < 30; it++) {
            float[] xv = new float[n];
            timesColumns(v, 0, xv, 0);
            double sumR = 0;
            for (int i = 0; i < n; i++) {
                xv[i] += (float) v[d];
                sumR += xv[i];
            }
            double[] xtr = rowsWeighted(xv, 0);
            double[] w = new double[d + 1];
            for (int j = 0; j < d; j++) {
                w[j] = xtr[j] / n;
            }
            w[d] = sumR / n;
            lambda = Math.sqrt(dot(w, w));
            if (lambda == 0) {
                break;
            }
            for (int j = 0; j <= d; j++) {
                v[j] = w[j] / lambda;
            }
        }
        // Softmax Hessians are bounded by ½ (sigmoid by ¼); 1.1 covers the power iteration's shortfall.
        return Math.max(1.1 * lambda * (k == 1 ? 0.25 : 0.5), 1e-12);
    }

    /** Class probabilities {@code [rows][C]} for {@code m} under {@code theta}, computed in Java. */
    public float[][] proba(FeatureMatrix m, double[] theta) {
        float[][] out = new float[m.rows()][classes];
        float[] row = new float[d];
        java.nio.FloatBuffer buf = m.data().duplicate();
        buf.position(0);
        double[] z = new double[classes];
        for (int i = 0; i < m.rows(); i++) {
            buf.get(row);
            if (k == 1) {
                double s = theta[d];
                for (int j = 0; j < d; j++) {
                    s += theta[j] * row[j];
                }
                double p1 = 1 / (1 + Math.exp(-s));
                out[i][1] = (float) p1;
                out[i][0] = (float) (1 - p1);
                continue;
            }
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < k; c++) {
                double s = theta[k * d + c];
                for (int j = 0; j < d; j++) {
                    s += theta[c * d + j] * row[j];
                }
                z[c] = s;
                max = Math.max(max, s);
            }
            double sum = 0;
            for (int c = 0; c < k; c++) {
                z[c] = Math.exp(z[c] - max);
                sum += z[c];
            }
            for (int c = 0; c < k; c++) {
                out[i][c] = (float) (z[c] / sum);
            }
        }
        return out;
    }

    /** {@code theta} as the head's single softmax layer ({@code [C][d]}, biases {@code [C]}). */
    public dev.regula.transfer.head.LayerWeights layer(double[] theta) {
        float[][] w = new float[classes][d];
        float[] b = new float[classes];
        if (k == 1) {
            for (int j = 0; j < d; j++) {
                w[1][j] = (float) (theta[j] / 2);
                w[0][j] = -w[1][j];
            }
            b[1] = (float) (theta[d] / 2);
            b[0] = -b[1];
        } else {
            for (int c = 0; c < k; c++) {
                for (int j = 0; j < d; j++) {
                    w[c][j] = (float) theta[c * d + j];
                }
                b[c] = (float) theta[k * d + c];
            }
        }
        return new dev.regula.transfer.head.LayerWeights(w, b);
    }

    /** Nothing native is held; AutoCloseable so callers need not change if that ever changes. */
    @Override
    public void close() {}

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static void axpy(double a, double[] x, double[] y) {
        for (int i = 0; i < x.length; i++) {
            y[i] += a * x[i];
        }
    }

    private static double maxAbs(double[] v) {
        double m = 0;
        for (double e : v) {
            m = Math.max(m, Math.abs(e));
        }
        return m;
    }
}
