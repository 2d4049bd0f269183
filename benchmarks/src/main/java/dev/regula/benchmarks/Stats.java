package dev.regula.benchmarks;

import java.util.List;

/** Summary statistics the benchmarks report. */
final class Stats {
    private Stats() {
    }

    /** The median; for an even count, the mean of the two middle values. */
    static double median(List<Double> xs) {
        if (xs.isEmpty()) {
            throw new IllegalArgumentException("median of no values");
        }
        double[] s = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }
}
