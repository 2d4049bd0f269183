package dev.regula.transfer.tune;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The values a knob may take. YAML forms (the pipeline maps them 1:1):
 * {@code {log_uniform: [lo, hi]}}, {@code {uniform: [lo, hi]}}, {@code [v1, v2, ...]} (a choice),
 * {@code {path: n}} (a regularization path of n strengths from λ_max down to λ_max·{@code min_ratio}).
 *
 * <p>Sampled and gridded values are rounded to 4 significant digits, so trial parameters read
 * cleanly in logs and a trial's id does not hang on the last bits of a float.
 */
public sealed interface Range {

    /** Values for a grid of {@code points} per continuous range; a choice gives its values, a path fails. */
    List<Double> grid(int points);

    /** One seeded draw; a path fails (it is only swept by the path strategy). */
    double sample(SplittableRandom rng);

    /** Log-uniform between {@code lo} and {@code hi} (both > 0). */
    record LogUniform(double lo, double hi) implements Range {
        public LogUniform {
            if (!(lo > 0) || !(hi > lo) || !Double.isFinite(hi)) {
                throw new IllegalArgumentException("log_uniform: expected 0 < lo < hi, got [" + lo + ", " + hi + "]");
            }
        }

        @Override
        public List<Double> grid(int points) {
            List<Double> out = new ArrayList<>();
            for (int i = 0; i < points; i++) {
                double t = points == 1 ? 0.5 : (double) i / (points - 1);
                out.add(round(Math.exp(Math.log(lo) + t * (Math.log(hi) - Math.log(lo)))));
            }
            return out;
        }

        @Override
        public double sample(SplittableRandom rng) {
            return round(Math.exp(Math.log(lo) + rng.nextDouble() * (Math.log(hi) - Math.log(lo))));
        }
    }

    /** Uniform between {@code lo} and {@code hi}. */
    record Uniform(double lo, double hi) implements Range {
        public Uniform {
            if (!(hi > lo) || !Double.isFinite(lo) || !Double.isFinite(hi)) {
                throw new IllegalArgumentException("uniform: expected finite lo < hi, got [" + lo + ", " + hi + "]");
            }
        }

        @Override
        public List<Double> grid(int points) {
            List<Double> out = new ArrayList<>();
            for (int i = 0; i < points; i++) {
                double t = points == 1 ? 0.5 : (double) i / (points - 1);
                out.add(round(lo + t * (hi - lo)));
            }
            return out;
        }

        @Override
        public double sample(SplittableRandom rng) {
            return round(lo + rng.nextDouble() * (hi - lo));
        }
    }

    /** One of the listed values, in the order given. */
    record Choice(List<Double> values) implements Range {
        public Choice {
            values = List.copyOf(values);
            if (values.isEmpty()) {
                throw new IllegalArgumentException("choice: expected at least one value, got []");
            }
            if (values.stream().distinct().count() != values.size()) {
                throw new IllegalArgumentException("choice: values must be distinct, got " + values);
            }
        }

        @Override
        public List<Double> grid(int points) {
            return values;
        }

        @Override
        public double sample(SplittableRandom rng) {
            return values.get(rng.nextInt(values.size()));
        }
    }

    /**
     * A glmnet-style path: {@code n} strengths spaced geometrically from λ_max (computed from the data:
     * the smallest strength that zeroes every L1-penalised weight) down to λ_max·{@code minRatio}.
     *
     * @param minRatio smallest/largest strength; null = 1e-4 (glmnet's ratio for n > p) when the penalty
     *     has an L1 part, 1e-8 for a pure ridge path, whose λ_max is glmnet's with the L1 share floored
     *     at 1e-3 (see {@link dev.regula.transfer.tune.path.RegularizationPath}) and so starts three decades
     *     higher; 1e-8 then spans as many decades as {@code LogisticRegressionCV}'s default Cs
     */
    record Path(int n, Double minRatio) implements Range {
        /** glmnet's default ratio for n > p. */
        public static final double L1_MIN_RATIO = 1e-4;
        /** Default ratio of a pure ridge path. */
        public static final double L2_MIN_RATIO = 1e-8;

        public Path {
            if (n < 2) {
                throw new IllegalArgumentException("path: expected at least 2 strengths, got " + n);
            }
            if (minRatio != null && !(minRatio > 0 && minRatio < 1)) {
                throw new IllegalArgumentException("path.min_ratio: expected a number in (0, 1), got " + minRatio);
            }
        }

        public Path(int n) {
            this(n, null);
        }

        /** The strengths for a given λ_max, largest first, rounded to 4 significant digits. */
        public List<Double> strengths(double lambdaMax, boolean hasL1) {
            double ratio = minRatio != null ? minRatio : hasL1 ? L1_MIN_RATIO : L2_MIN_RATIO;
            List<Double> out = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                out.add(round(lambdaMax * Math.pow(ratio, (double) i / (n - 1))));
            }
            return out;
        }

        @Override
        public List<Double> grid(int points) {
            throw new IllegalArgumentException("path: a regularization path is swept by strategy 'path' only");
        }

        @Override
        public double sample(SplittableRandom rng) {
            throw new IllegalArgumentException("path: a regularization path is swept by strategy 'path' only");
        }
    }

    /** {@code v} rounded to 4 significant digits. */
    static double round(double v) {
        if (v == 0 || !Double.isFinite(v)) {
            return v;
        }
        return new BigDecimal(v).round(new MathContext(4)).doubleValue();
    }
}
