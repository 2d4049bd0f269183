package dev.regula.transfer.data;

/**
 * Fractions of each class that go to train, val and test. Each in (0, 1); they sum to 1.
 */
public record SplitFractions(double train, double val, double test) {
    /** 0.7 / 0.15 / 0.15. */
    public static final SplitFractions DEFAULT = new SplitFractions(0.7, 0.15, 0.15);

    public SplitFractions {
        check("train", train);
        check("val", val);
        check("test", test);
        double sum = train + val + test;
        if (Math.abs(sum - 1.0) > 1e-6) {
            throw new IllegalArgumentException("split fractions must sum to 1, got " + train + " + " + val + " + " + test + " = " + sum);
        }
    }

    private static void check(String name, double f) {
        if (!(f > 0 && f < 1)) {
            throw new IllegalArgumentException("split fraction '" + name + "' must be in (0, 1), got " + f);
        }
    }

    double get(int split) {
        return switch (split) {
            case 0 -> train;
            case 1 -> val;
            default -> test;
        };
    }
}
