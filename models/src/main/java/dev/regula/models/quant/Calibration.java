package dev.regula.models.quant;

import dev.regula.models.OnnxModel;
import dev.regula.models.runtime.OrtRunner;
import dev.regula.models.runtime.RunnerException;
import dev.regula.models.runtime.RunnerOptions;
import dev.regula.models.runtime.Tensor;
import java.util.List;
import java.util.Map;

/**
 * Runs the fp32 model, with every {@linkplain Quantizer#activations quantizable activation} as an
 * extra output, over calibration batches (train rows only: the caller chooses them) and returns
 * the activation ranges for {@link Quantizer#quantizeStatic}.
 */
public final class Calibration {
    /** ONNX Runtime's default percentile for its percentile calibrator. */
    public static final double DEFAULT_PERCENTILE = 99.99;

    private Calibration() {
    }

    /**
     * @param batches model inputs, one map per run, in a fixed order (the ranges depend on it only
     *                through the per-batch percentiles)
     * @throws IllegalArgumentException if there are no batches
     */
    public static Map<String, float[]> ranges(OnnxModel fp32, Iterable<Map<String, Tensor>> batches,
                                              CalibrationMethod method, double percentile) throws RunnerException {
        List<String> acts = Quantizer.activations(fp32);
        RangeObserver obs = new RangeObserver(method, percentile);
        int runs = 0;
        try (OrtRunner runner = OrtRunner.open(Quantizer.calibrationModel(fp32), RunnerOptions.defaults())) {
            for (Map<String, Tensor> feed : batches) {
                Map<String, Tensor> out = runner.run(feed);
                for (String a : acts) {
                    obs.observe(a, out.get(a).floats());
                }
                runs++;
            }
        }
        if (runs == 0) {
            throw new IllegalArgumentException("calibration needs at least one batch of train rows, got none");
        }
        return obs.ranges();
    }

    /** Calibrates and quantizes statically in one step. */
    public static OnnxModel quantizeStatic(OnnxModel fp32, Iterable<Map<String, Tensor>> batches,
                                           CalibrationMethod method, double percentile) throws RunnerException {
        return Quantizer.quantizeStatic(fp32, ranges(fp32, batches, method, percentile));
    }

    /** Calibrates and quantizes statically with weight options (fp32 MatMuls, per-channel weights). */
    public static OnnxModel quantizeStatic(OnnxModel fp32, Iterable<Map<String, Tensor>> batches,
                                           CalibrationMethod method, double percentile, WeightOptions options)
            throws RunnerException {
        return Quantizer.quantizeStatic(fp32, ranges(fp32, batches, method, percentile), options);
    }
}
