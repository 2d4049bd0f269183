package dev.regula.transfer.quantize;

import dev.regula.models.Hashing;
import dev.regula.models.OnnxModel;
import dev.regula.models.quant.Calibration;
import dev.regula.models.quant.Quantizer;
import dev.regula.models.quant.Smoothing;
import dev.regula.models.quant.WeightOptions;
import dev.regula.models.runtime.RunnerException;
import dev.regula.models.runtime.Tensor;
import dev.regula.transfer.encode.BatchTensor;
import dev.regula.transfer.encode.ModelInput;
import dev.regula.transfer.encode.TextEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Quantizes a text backbone to int8, calibrating a static quantization on the first
 * {@code spec.calibration()} texts it is given: the caller passes TRAIN rows only (val and test
 * never shape the model). The result carries its provenance in metadata_props:
 * {@code regula.quantize.mode}, {@code .method}, {@code .weights}, {@code .smooth} (when set), {@code .calibration_rows} and
 * {@code .calibration_sha256} (SHA-256 over the calibration texts, each followed by a NUL byte).
 */
public final class BackboneQuantizer {
    /** Texts per calibration run; padding inside a batch is masked, so it only widens ranges by pad rows' values. */
    static final int CALIBRATION_BATCH = 16;

    private BackboneQuantizer() {
    }

    public static OnnxModel quantize(OnnxModel fp32, TextEncoder encoder, List<String> trainTexts, QuantizeSpec spec)
            throws RunnerException {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("regula.quantize.mode", spec.mode().spelling());
        if (spec.mode() == QuantizeSpec.Mode.DYNAMIC) {
            return Quantizer.quantizeDynamic(fp32).withMetadata(meta);
        }
        if (trainTexts.isEmpty()) {
            throw new IllegalArgumentException("static quantization needs train rows to calibrate on, got none"
                    + " (use backbone.quantize.mode: dynamic to quantize without data)");
        }
        List<String> texts = trainTexts.subList(0, Math.min(spec.calibration(), trainTexts.size()));
        List<Map<String, Tensor>> batches = calibrationBatches(fp32, encoder, texts);
        OnnxModel base = spec.smooth() == null ? fp32 : Smoothing.smooth(fp32, batches, spec.smooth());
        OnnxModel q = Calibration.quantizeStatic(base, batches, spec.method(), spec.percentile(),
                new WeightOptions(Set.of(), spec.weights() == QuantizeSpec.Weights.PER_CHANNEL));
        meta.put("regula.quantize.method", spec.method().spelling()
                + (spec.method() == dev.regula.models.quant.CalibrationMethod.PERCENTILE ? ":" + spec.percentile() : ""));
        meta.put("regula.quantize.weights", spec.weights().spelling());
        if (spec.smooth() != null) {
            meta.put("regula.quantize.smooth", Double.toString(spec.smooth()));
        }
        meta.put("regula.quantize.calibration_rows", Integer.toString(texts.size()));
        meta.put("regula.quantize.calibration_sha256", textsSha256(texts));
        return q.withMetadata(meta);
    }

    /** The model inputs of {@code texts} (train rows only) in batches of {@value #CALIBRATION_BATCH}, in order. */
    public static List<Map<String, Tensor>> calibrationBatches(OnnxModel fp32, TextEncoder encoder, List<String> texts) {
        List<ModelInput> inputs = ModelInput.of(fp32.proto());
        List<Map<String, Tensor>> batches = new ArrayList<>();
        List<TextEncoder.Tokens> tokens = encoder.encodeAll(texts);
        for (int i = 0; i < tokens.size(); i += CALIBRATION_BATCH) {
            Map<String, BatchTensor> b = encoder.collate(tokens.subList(i, Math.min(tokens.size(), i + CALIBRATION_BATCH)),
                    inputs);
            Map<String, Tensor> feed = new LinkedHashMap<>();
            b.forEach((k, v) -> feed.put(k, Tensor.ofLongs(v.longs(), v.shape())));
            batches.add(feed);
        }
        return batches;
    }

    /** SHA-256 over the texts in order, each followed by a NUL byte. */
    public static String textsSha256(List<String> texts) {
        MessageDigest md = Hashing.newSha256();
        for (String t : texts) {
            md.update(t.getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
        }
        return Hashing.hex(md.digest());
    }
}
