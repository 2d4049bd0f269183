package dev.regula.pipeline.stage.validate;

import dev.regula.transfer.data.DatasetFormat;
import dev.regula.pipeline.predict.QualityGates;
import dev.regula.pipeline.predict.ModelRequest;
import dev.regula.ensemble.ClassificationMetrics;
import dev.regula.ensemble.EnsembleException;
import dev.regula.models.runtime.RunnerOptions;
import dev.regula.pipeline.Problem;
import dev.regula.pipeline.RegulaException;
import dev.regula.pipeline.predict.Prediction;
import dev.regula.pipeline.predict.Predictor;
import dev.regula.transfer.data.Dataset;
import dev.regula.transfer.data.DatasetException;
import dev.regula.transfer.data.DatasetReader;
import dev.regula.transfer.data.DatasetSpec;
import dev.regula.transfer.data.Example;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The validate stage: an exported model on labelled data, end to end on ONNX Runtime (tokenizer
 * included), with quality and speed figures. {@code regula validate MODEL --data FILE} and the
 * Maven plugin's validate goal call {@link #run}; the pipeline's validate stage
 * ({@link ValidateStage}) writes {@value #REPORT}, with parity per execution provider against the
 * Java reference.
 */
public final class ValidateStep {
    /** The pipeline's validation report. */
    public static final String REPORT = "report.json";
    private static final int LATENCY_SAMPLES = 50;

    private ValidateStep() {
    }

    /**
     * A validation of an exported model: the one request {@code regula validate} and the plugin's
     * {@code regula:validate} send.
     *
     * @param model the model and where to run it, as {@code regula predict} sends it
     * @param data the labelled data
     * @param gates thresholds on the figures; {@link QualityGates#NONE} checks none
     */
    public record Request(ModelRequest model, DatasetSpec data, QualityGates gates) {
        public Request {
            java.util.Objects.requireNonNull(model, "model");
            java.util.Objects.requireNonNull(data, "data");
            java.util.Objects.requireNonNull(gates, "gates");
        }

        /** Without gates. */
        public Request(Path model, DatasetSpec data, RunnerOptions options) {
            this(new ModelRequest(model, options), data, QualityGates.NONE);
        }

        /**
         * From a front end's raw values.
         *
         * @param device {@code cpu}, {@code cuda} or {@code auto} (null: {@value ModelRequest#DEFAULT_DEVICE})
         * @param textField the text field or column (null: the data format's default)
         * @param labelField the label field or column (null: the data format's default)
         * @throws IllegalArgumentException naming the bad value: an unknown device, or a data file
         *     whose format cannot be told from its name
         */
        public static Request of(Path model, String device, Path data, String textField, String labelField,
                                 QualityGates gates) {
            DatasetSpec spec = DatasetSpec.of(data, DatasetFormat.guess(data));
            if (textField != null) {
                spec = spec.withTextField(textField);
            }
            if (labelField != null) {
                spec = spec.withLabelField(labelField);
            }
            return new Request(ModelRequest.of(model, device), spec, gates == null ? QualityGates.NONE : gates);
        }

        /** The gates {@code result} misses, each named as {@code name} spells it (see {@link QualityGates#failures}). */
        public List<String> failures(Result result, java.util.function.UnaryOperator<String> name) {
            return gates.failures(result.metrics(), name);
        }
    }

    /**
     * Figures of one validation run.
     *
     * @param rows labelled examples scored
     * @param metrics accuracy, macro-F1, NLL, Brier, ECE (15 bins) and the reliability bins
     * @param latencyMsP50 median wall time of one text, tokenization included, batch 1
     * @param latencyMsP95 95th percentile of the same
     * @param throughput texts per second in batches of {@code throughputBatch}
     * @param throughputBatch texts per call in the throughput pass, whose outputs give the metrics:
     *     {@link Predictor#BATCH}, or 1 for a model that quantizes dynamically
     * @param provider the ONNX Runtime execution provider that ran
     */
    public record Result(int rows, ClassificationMetrics metrics, double latencyMsP50, double latencyMsP95,
                         double throughput, int throughputBatch, String provider) {
    }

    public static Result run(Request r) throws RegulaException {
        return validate(r.model(), r.data());
    }

    private static Result validate(ModelRequest model, DatasetSpec data) throws RegulaException {
        Dataset dataset;
        try {
            dataset = DatasetReader.readHoldout(data);
        } catch (DatasetException e) {
            throw RegulaException.wrap(e);
        }
        List<Example> examples = dataset.examples();
        List<String> texts = examples.stream().map(Example::text).toList();
        try (Predictor predictor = Predictor.open(model)) {
            List<String> classes = predictor.classes();
            int[] y = new int[examples.size()];
            for (int i = 0; i < y.length; i++) {
                y[i] = classes.indexOf(examples.get(i).label());
                if (y[i] < 0) {
                    throw new RegulaException(at(examples.get(i).source(), "label '" + examples.get(i).label()
                            + "' is not one of the model's classes " + classes).withExpected("one of " + classes,
                            examples.get(i).label()));
                }
            }
            long start = System.nanoTime();
            List<Prediction> predictions = predictor.predict(texts);
            double throughput = texts.size() / ((System.nanoTime() - start) / 1e9);

            float[][] p = new float[predictions.size()][];
            for (int i = 0; i < p.length; i++) {
                p[i] = new float[classes.size()];
                for (int k = 0; k < classes.size(); k++) {
                    p[i][k] = predictions.get(i).probabilities().get(classes.get(k)).floatValue();
                }
            }
            int samples = Math.min(LATENCY_SAMPLES, texts.size());
            double[] ms = new double[samples];
            for (int i = 0; i < samples; i++) {
                long t = System.nanoTime();
                predictor.predict(List.of(texts.get(i)));
                ms[i] = (System.nanoTime() - t) / 1e6;
            }
            Arrays.sort(ms);
            return new Result(y.length, ClassificationMetrics.of(p, y), quantile(ms, 0.5), quantile(ms, 0.95), throughput,
                    predictor.batchSize(),
                    predictor.provider());
        } catch (EnsembleException e) {
            throw new RegulaException(Problem.of(String.valueOf(e.getMessage())).withFile(data.path(), 0), e);
        }
    }

    /**
     * A problem at an example's {@code source}, which the data readers write {@code FILE:LINE}: the file
     * and line become data (rendered as before); any other source stays words.
     */
    static Problem at(String source, String text) {
        int colon = source == null ? -1 : source.lastIndexOf(':');
        if (colon > 0) {
            try {
                long line = Long.parseLong(source.substring(colon + 1));
                if (line >= 0) {
                    return Problem.of(text).withFile(Path.of(source.substring(0, colon)), line);
                }
            } catch (NumberFormatException | java.nio.file.InvalidPathException e) {
                // not FILE:LINE; said as given
            }
        }
        return Problem.of(source + ": " + text);
    }

    /** The q-quantile (0..1) of sorted values by nearest rank; NaN when there are none. */
    public static double quantile(double[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        // nearest rank: the smallest value with at least q of the samples at or below it
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length, rank) - 1)];
    }
}
