package dev.regula.pipeline.predict;

import dev.regula.models.runtime.OrtRunner;
import dev.regula.models.runtime.RunnerException;
import dev.regula.models.runtime.Tensor;
import dev.regula.pipeline.Problem;
import dev.regula.pipeline.RegulaException;
import dev.regula.transfer.export.ModelExport;
import java.util.Map;

/**
 * The one loop that runs an exported model over encoded examples: batches of {@code batch} rows,
 * each run on ONNX Runtime, its {@value ModelExport#PROBABILITIES} and {@value ModelExport#LABEL}
 * outputs copied out in order. {@link Predictor} and the pipeline's validate stage both score
 * through it, so what {@code validate} measures is what {@code predict} serves.
 */
public final class Scoring {
    private Scoring() {
    }

    /** Encodes rows {@code [from, to)} as the model's input tensors, by input name. */
    @FunctionalInterface
    public interface Batches {
        Map<String, Tensor> encode(int from, int to) throws RegulaException;
    }

    /**
     * The model's two outputs for {@code rows} examples.
     *
     * @param probabilities row-major {@code [rows, classes]}
     * @param labels the model's own label output (ArgMax inside the graph), one per row
     */
    public record Scores(int rows, int classes, float[] probabilities, long[] labels) {
        public Scores {
            if (probabilities.length != rows * classes || labels.length != rows) {
                throw new IllegalArgumentException("scores of " + rows + " rows x " + classes + " classes hold "
                        + probabilities.length + " probabilities and " + labels.length + " labels");
            }
        }

        /** Row {@code i}'s probabilities, a copy. */
        public float[] row(int i) {
            return java.util.Arrays.copyOfRange(probabilities, i * classes, (i + 1) * classes);
        }
    }

    /**
     * Runs {@code runner} over {@code rows} examples, {@code batch} at a time.
     *
     * @throws RegulaException when a batch cannot be encoded or the model lacks an export output, or
     *     gives another number of classes than expected
     * @throws RunnerException when ONNX Runtime fails
     */
    public static Scores run(OrtRunner runner, int rows, int classes, int batch, Batches batches)
            throws RegulaException, RunnerException {
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be >= 1, got " + batch);
        }
        float[] probs = new float[rows * classes];
        long[] labels = new long[rows];
        for (int from = 0; from < rows; from += batch) {
            int to = Math.min(rows, from + batch);
            Map<String, Tensor> out = runner.run(batches.encode(from, to));
            Tensor p = out.get(ModelExport.PROBABILITIES);
            Tensor l = out.get(ModelExport.LABEL);
            if (p == null || l == null) {
                String expected = ModelExport.PROBABILITIES + " and " + ModelExport.LABEL;
                throw new RegulaException(at(runner, "expected the outputs " + expected + " of a Regula export, the model gives "
                        + out.keySet()).withExpected(expected, String.valueOf(out.keySet())));
            }
            if (p.size() != (to - from) * classes || l.size() != to - from) {
                String expected = "[" + (to - from) + ", " + classes + "]";
                String found = java.util.Arrays.toString(p.shape());
                throw new RegulaException(at(runner, "expected " + ModelExport.PROBABILITIES + " of shape " + expected + ", got "
                        + found).withExpected(expected, found));
            }
            System.arraycopy(p.floats(), 0, probs, from * classes, (to - from) * classes);
            System.arraycopy(l.longs(), 0, labels, from, to - from);
        }
        return new Scores(rows, classes, probs, labels);
    }

    /** A problem of the model {@code runner} runs: its file as data, or "the model" when it came from memory. */
    private static Problem at(OrtRunner runner, String text) {
        return runner.file() == null ? Problem.of("the model: " + text) : Problem.of(text).withFile(runner.file(), 0);
    }
}
