package dev.regula.transfer.export;

import dev.regula.models.OnnxModel;
import dev.regula.models.OnnxModelException;
import dev.regula.models.runtime.OrtRunner;
import dev.regula.models.runtime.OutputMismatchException;
import dev.regula.models.runtime.Parity;
import dev.regula.models.runtime.ParityReport;
import dev.regula.models.runtime.RunnerException;
import dev.regula.models.runtime.RunnerOptions;
import dev.regula.models.runtime.Tensor;
import dev.regula.transfer.backbone.FeatureModel;
import dev.regula.transfer.encode.BatchTensor;
import dev.regula.transfer.encode.EncoderMismatchException;
import dev.regula.transfer.encode.InputEncoder;
import dev.regula.transfer.encode.ModelInput;
import dev.regula.transfer.features.FeatureExtractor;
import dev.regula.transfer.features.FeatureExtractorException;
import dev.regula.transfer.features.FeatureExtractorOptions;
import dev.regula.transfer.features.FeatureMatrix;
import dev.regula.transfer.train.TrainedHead;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks an exported model against the Java reference it was built from: the exported graph run by
 * ONNX Runtime (CPU) on raw inputs, against the feature model's features (ONNX Runtime) fed to the
 * head's DJL {@link TrainedHead#predictProba}. Both {@value ModelExport#PROBABILITIES} (within
 * {@value #ATOL} absolute) and {@value ModelExport#LABEL} (exactly) are compared, plus row-wise
 * argmax agreement on the probabilities.
 */
public final class ExportParity {
    /** Largest absolute difference allowed between the two runs' probabilities. */
    public static final double ATOL = 1e-5;
    /** The rule applied: {@value #ATOL} absolute, no relative slack, argmax on the probabilities. */
    public static final Parity RULE = Parity.within(ATOL, 0).withArgmax(ModelExport.PROBABILITIES);

    /** Items per exported-model call, before {@link OnnxModel#independentBatch(int)}. */
    private static final int BATCH = 32;

    private ExportParity() {}

    /**
     * Runs both sides on {@code items}: the reference computes features with {@code featureModel}.
     *
     * @param modelOnnx the exported model
     * @param encoder encodes {@code items} for both the feature model and the exported model
     */
    public static <T> ParityReport check(Path modelOnnx, FeatureModel featureModel, TrainedHead head, List<T> items,
            InputEncoder<T, ?> encoder) throws ExportException {
        float[][] features;
        try (FeatureExtractor fx = FeatureExtractor.open(featureModel, FeatureExtractorOptions.defaults().withProgress(false))) {
            features = fx.extract(items, encoder);
        } catch (FeatureExtractorException | EncoderMismatchException e) {
            throw new ExportException(null, "parity reference: cannot compute features: " + e.getMessage(), e);
        }
        return check(modelOnnx, FeatureMatrix.of(features, new int[features.length]), head, items, encoder);
    }

    /**
     * As {@link #check(Path, FeatureModel, TrainedHead, List, InputEncoder)} with the reference
     * features given (e.g. from a feature store): row {@code i} of {@code features} belongs to item {@code i}.
     */
    public static <T> ParityReport check(Path modelOnnx, FeatureMatrix features, TrainedHead head, List<T> items,
            InputEncoder<T, ?> encoder) throws ExportException {
        if (features.rows() != items.size()) {
            throw new IllegalArgumentException("features have " + features.rows() + " rows for " + items.size() + " items");
        }
        float[][] reference = head.predictProba(features);
        long[] referenceLabels = new long[reference.length];
        for (int i = 0; i < reference.length; i++) {
            referenceLabels[i] = argmax(reference[i]);
        }
        Map<String, Tensor> candidate = runExported(modelOnnx, items, encoder, head.classes());
        Map<String, Tensor> ref = new LinkedHashMap<>();
        ref.put(ModelExport.PROBABILITIES, Tensor.ofMatrix(reference.length == 0 ? new float[0][head.classes()] : reference));
        ref.put(ModelExport.LABEL, Tensor.ofLongs(referenceLabels, referenceLabels.length));
        try {
            return RULE.compare(ref, candidate);
        } catch (OutputMismatchException e) {
            throw new ExportException(modelOnnx, "exported outputs do not match the reference's: " + e.getMessage(), e);
        }
    }

    private static <T, E extends InputEncoder.Encoded> Map<String, Tensor> runExported(Path modelOnnx, List<T> items,
            InputEncoder<T, E> encoder, int classes) throws ExportException {
        List<ModelInput> inputs;
        int batch;
        try {
            OnnxModel exported = OnnxModel.read(modelOnnx);
            inputs = ModelInput.of(exported.proto());
            batch = exported.independentBatch(BATCH);
            encoder.check(inputs);
        } catch (OnnxModelException | EncoderMismatchException e) {
            throw new ExportException(modelOnnx, e.getMessage(), e);
        }
        List<E> encoded = encoder.encodeAll(items);
        int n = encoded.size();
        float[] probs = new float[n * classes];
        long[] labels = new long[n];
        try (OrtRunner runner = OrtRunner.open(modelOnnx, RunnerOptions.defaults())) {
            for (int start = 0; start < n; start += batch) {
                int end = Math.min(n, start + batch);
                Map<String, Tensor> feed = new HashMap<>();
                encoder.collate(encoded.subList(start, end), inputs).forEach((name, t) -> feed.put(name, toTensor(t)));
                Map<String, Tensor> out = runner.run(feed);
                Tensor p = out.get(ModelExport.PROBABILITIES);
                Tensor l = out.get(ModelExport.LABEL);
                if (p == null || l == null) {
                    throw new ExportException(modelOnnx, "expected outputs " + ModelExport.PROBABILITIES + " and "
                            + ModelExport.LABEL + ", the model gives " + out.keySet());
                }
                System.arraycopy(p.floats(), 0, probs, start * classes, (end - start) * classes);
                System.arraycopy(l.longs(), 0, labels, start, end - start);
            }
        } catch (RunnerException e) {
            throw new ExportException(modelOnnx, "ONNX Runtime failed on the exported model: " + e.getMessage(), e);
        }
        Map<String, Tensor> candidate = new LinkedHashMap<>();
        candidate.put(ModelExport.PROBABILITIES, Tensor.ofFloats(probs, n, classes));
        candidate.put(ModelExport.LABEL, Tensor.ofLongs(labels, n));
        return candidate;
    }

    private static Tensor toTensor(BatchTensor t) {
        return t.longs() != null ? Tensor.ofLongs(t.longs(), t.shape()) : Tensor.ofFloats(t.floats(), t.shape());
    }

    private static int argmax(float[] p) {
        int best = 0;
        for (int k = 1; k < p.length; k++) {
            if (p[k] > p[best]) {
                best = k;
            }
        }
        return best;
    }
}
