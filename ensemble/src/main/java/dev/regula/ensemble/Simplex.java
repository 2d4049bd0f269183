package dev.regula.ensemble;

import java.util.Arrays;

/** Euclidean projection onto the probability simplex (sort-and-threshold). */
final class Simplex {
    private Simplex() {}

    static double[] project(double[] v) {
        int n = v.length;
        double[] u = v.clone();
        Arrays.sort(u);
        double cum = 0;
        double theta = 0;
        // Walk from the largest: the threshold is set by the largest rho with u_rho > (Σ_{top rho} u − 1)/rho.
        for (int j = 0; j < n; j++) {
            double uj = u[n - 1 - j];
            cum += uj;
            double t = (cum - 1) / (j + 1);
            if (uj - t > 0) {
                theta = t;
            }
        }
        double[] w = new double[n];
        for (int j = 0; j < n; j++) {
            w[j] = Math.max(0, v[j] - theta);
        }
        return w;
    }
}
