package dev.regula.pipeline.stage.features;

import dev.regula.models.Folders;
import dev.regula.models.OnnxModel;
import dev.regula.models.OnnxModelException;
import dev.regula.pipeline.OptionName;
import dev.regula.pipeline.Problem;
import dev.regula.pipeline.RegulaException;
import dev.regula.transfer.backbone.Backbone;
import dev.regula.transfer.backbone.BackboneException;
import dev.regula.transfer.data.DatasetException;
import dev.regula.transfer.data.DatasetReader;
import dev.regula.transfer.data.Example;
import dev.regula.transfer.data.Splitter;
import dev.regula.transfer.encode.TextEncoder;
import dev.regula.transfer.features.FeatureJobSpec;
import dev.regula.transfer.quantize.BackboneQuantizer;
import dev.regula.transfer.quantize.QuantizeSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

/**
 * {@code regula quantize}: an int8 copy of a backbone, calibrated (static mode) on the TRAIN split
 * of the data as {@code regula features} would split it. Writes {@code OUT/model.onnx} (the whole
 * backbone, quantized, provenance in its metadata) and {@code OUT/tokenizer.json}, a backbone
 * folder that {@code --backbone OUT} and {@code backbone.model} accept.
 */
public final class QuantizeStep {
    private QuantizeStep() {
    }

    /** What was written: the quantized backbone and its {@code regula.quantize.*} metadata. */
    public record Result(Path model, Path tokenizer, Map<String, String> provenance) {
    }

    /** @param r the data, split, tokenizer and output settings as for features; pooling and batch are unused */
    public static Result run(FeaturesStep.Request r, QuantizeSpec q) throws RegulaException {
        FeatureJobSpec job = FeaturesStep.toSpec(r);
        Path out = r.out().toAbsolutePath().normalize();
        Path cache = out.resolve(".cache");
        try {
            Backbone b = Backbone.load(job.backbone(), job.tokenizer(), cache);
            List<String> train = List.of();
            if (q.mode() == QuantizeSpec.Mode.STATIC) {
                if (b.tokenizer() == null) {
                    throw new RegulaException(Problem.about(OptionName.TOKENIZER, "static quantization calibrates on"
                            + " train texts and needs a tokenizer (or dynamic mode, which needs none)"));
                }
                train = Splitter.split(DatasetReader.read(job.data()), job.split()).train().stream()
                        .filter(e -> e.text() != null).map(Example::text).toList();
            }
            OnnxModel quantized;
            try (TextEncoder enc = b.tokenizer() == null ? null : TextEncoder.open(b.tokenizer().file(), r.maxLength(),
                    r.truncation())) {
                quantized = BackboneQuantizer.quantize(OnnxModel.read(b.model().file()), enc, train, q);
            }
            Files.createDirectories(out);
            Path model = out.resolve(Backbone.FOLDER_MODEL);
            quantized.write(model);
            Path tok = null;
            if (b.tokenizer() != null) {
                tok = out.resolve(Backbone.FOLDER_TOKENIZER);
                Files.copy(b.tokenizer().file(), tok, StandardCopyOption.REPLACE_EXISTING);
            }
            Folders.deleteTree(cache);
            Map<String, String> prov = new java.util.LinkedHashMap<>();
            quantized.metadata().forEach((k, v) -> {
                if (k.startsWith("regula.quantize.")) {
                    prov.put(k, v);
                }
            });
            return new Result(model, tok, prov);
        } catch (BackboneException | OnnxModelException | IllegalArgumentException e) {
            throw new RegulaException(Problem.of(e.getMessage()), e);
        } catch (DatasetException e) {
            throw RegulaException.atKey("data", e);
        } catch (IOException e) {
            throw new RegulaException("quantize: cannot write " + out + ": " + e.getMessage(), e);
        }
    }
}
