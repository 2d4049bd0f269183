package dev.regula.models.quant;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Accumulates the activation range of each calibrated tensor over calibration batches. Pure: the
 * caller feeds it the values it got from running the calibration model, in a fixed order, so the
 * same rows give the same ranges.
 */
public final class RangeObserver {
    private final CalibrationMethod method;
    private final double percentile;
    private final Map<String, double[]> acc = new LinkedHashMap<>(); // name -> {lo, hi, batches}

    /** @param percentile used by {@link CalibrationMethod#PERCENTILE}, in (50, 100], e.g. 99.99 */
    public RangeObserver(CalibrationMethod method, double percentile) {
        if (!(percentile > 50 && percentile <= 100)) {
            throw new IllegalArgumentException("percentile must be in (50, 100], got " + percentile);
        }
        this.method = java.util.Objects.requireNonNull(method, "method");
        this.percentile = percentile;
    }

    /** Records one batch's values of {@code tensor}. */
    public void observe(String tensor, float[] values) {
        if (values.length == 0) {
            return;
        }
        double lo;
        double hi;
        if (method == CalibrationMethod.MINMAX) {
            lo = Double.POSITIVE_INFINITY;
            hi = Double.NEGATIVE_INFINITY;
            for (float v : values) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        } else {
            float[] sorted = values.clone();
            Arrays.sort(sorted);
            int n = sorted.length;
            // the 1e-9: 99.9 / 100 * 10000 is 9990.000000000002, which must not round up to 9991
            int hiIdx = (int) Math.min(n - 1, Math.ceil(percentile / 100.0 * n - 1e-9) - 1);
            int loIdx = (int) Math.max(0, n - 1 - hiIdx);
            lo = sorted[loIdx];
            hi = sorted[Math.max(hiIdx, 0)];
        }
        double[] a = acc.get(tensor);
        if (a == null) {
            acc.put(tensor, new double[] {lo, hi, 1});
        } else if (method == CalibrationMethod.MINMAX) {
            a[0] = Math.min(a[0], lo);
            a[1] = Math.max(a[1], hi);
            a[2]++;
        } else {
            a[0] += lo;
            a[1] += hi;
            a[2]++;
        }
    }

    /** The range of each observed tensor, as [min, max]. */
    public Map<String, float[]> ranges() {
        Map<String, float[]> out = new LinkedHashMap<>();
        acc.forEach((k, a) -> {
            double div = method == CalibrationMethod.MINMAX ? 1 : a[2];
            out.put(k, new float[] {(float) (a[0] / div), (float) (a[1] / div)});
        });
        return out;
    }
}
