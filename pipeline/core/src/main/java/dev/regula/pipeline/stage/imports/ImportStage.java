package dev.regula.pipeline.stage.imports;

import dev.regula.models.Hashing;
import dev.regula.models.OnnxModel;
import dev.regula.models.OnnxModelException;
import dev.regula.pipeline.stage.features.FeaturesStep;
import dev.regula.transfer.backbone.SourceFile;
import dev.regula.transfer.data.Dataset;
import dev.regula.transfer.data.DatasetException;
import dev.regula.transfer.data.DatasetReader;
import dev.regula.transfer.data.Example;
import dev.regula.transfer.data.Splitter;
import dev.regula.transfer.encode.TextEncoder;
import dev.regula.transfer.quantize.BackboneQuantizer;
import dev.regula.transfer.quantize.QuantizeSpec;
import com.fasterxml.jackson.databind.JsonNode;
import dev.regula.pipeline.Problem;
import dev.regula.pipeline.RegulaException;
import dev.regula.pipeline.run.Stage;
import dev.regula.pipeline.run.StageContext;
import dev.regula.pipeline.run.StageName;
import dev.regula.pipeline.spec.Sections;
import dev.regula.transfer.backbone.Backbone;
import dev.regula.transfer.backbone.BackboneException;
import dev.regula.transfer.backbone.FeatureModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * import, as the pipeline runs it: {@link ImportStep} on the spec's {@code backbone:} section, and
 * the readers later stages use for the committed {@code import/} folder.
 */
public final class ImportStage implements Stage {
    /** The quantized backbone, written into the staging folder while the feature model is built from it, then removed. */
    static final String QUANTIZED_BACKBONE = "backbone-int8.onnx";

    @Override
    public StageName name() {
        return StageName.IMPORT;
    }

    @Override
    public List<StageName> upstream(StageContext ctx) {
        return List.of();
    }

    @Override
    public JsonNode config(StageContext ctx) {
        JsonNode b = ctx.spec().section("backbone");
        if (b != null && b.has("unfreeze")) {
            // what the later stages do with the backbone does not change the import
            com.fasterxml.jackson.databind.node.ObjectNode c = ((com.fasterxml.jackson.databind.node.ObjectNode) b).deepCopy();
            c.remove("unfreeze");
            return c;
        }
        return b;
    }

    @Override
    public Map<String, String> externalInputs(StageContext ctx) throws RegulaException {
        Backbone b = load(ctx);
        Map<String, String> in = new TreeMap<>();
        in.put("backbone.model", b.model().sha256());
        if (b.tokenizer() != null) {
            in.put("backbone.tokenizer", b.tokenizer().sha256());
        }
        QuantizeSpec q = ctx.spec().backbone().quantize();
        if (q != null && q.mode() == QuantizeSpec.Mode.STATIC) {
            // Calibration reads the train rows: the data and the split decide them.
            Path data = ctx.spec().data().path();
            try {
                in.put("data", Files.isDirectory(data) ? Hashing.sha256Tree(data) : Hashing.sha256(data));
            } catch (IOException e) {
                throw new RegulaException(Problem.atKey("data.path", "cannot read " + data + ": " + e.getMessage())
                        .withExpected("a readable file", data.toString()), e);
            }
            in.put("split", FeaturesStep.splitSpec(ctx.spec()).toString());
        }
        return in;
    }

    private static Backbone load(StageContext ctx) throws RegulaException {
        Sections.Backbone s = ctx.spec().backbone();
        return ImportStep.load(s.model(), s.tokenizer(), ctx.cacheDir(), ctx.artifacts(), Problem.atKey("backbone"));
    }

    @Override
    public Map<String, Object> run(StageContext ctx, Path staging) throws RegulaException {
        Sections.Backbone s = ctx.spec().backbone();
        Backbone backbone = load(ctx);
        if (s.quantize() != null) {
            backbone = quantize(ctx, backbone, s, staging);
        }
        FeatureModel model = ImportStep.writeInto(backbone, s.featureTensor(), s.pooling(), s.l2Normalize(), s.maskInput(),
                staging, Problem.atKey("backbone"));
        ctx.log("import: feature model of dim " + model.dim() + " from " + s.model()
                + (s.quantize() == null ? "" : " (int8 " + s.quantize().mode().spelling() + ")"));
        if (s.quantize() != null) {
            try {
                Files.delete(backbone.model().file());
            } catch (IOException e) {
                throw new RegulaException("import: cannot delete " + backbone.model().file() + ": " + e.getMessage(), e);
            }
        }
        return Map.of();
    }

    /**
     * The backbone quantized as {@code backbone.quantize} says, written into {@code staging} for the
     * feature model to be built from; static calibration reads the first N TRAIN rows of the spec's
     * split (never val or test).
     */
    private static Backbone quantize(StageContext ctx, Backbone fp32, Sections.Backbone s, Path staging)
            throws RegulaException {
        QuantizeSpec q = s.quantize();
        List<String> train = List.of();
        if (q.mode() == QuantizeSpec.Mode.STATIC) {
            try {
                Dataset data = DatasetReader.read(ctx.spec().data());
                train = Splitter.split(data, FeaturesStep.splitSpec(ctx.spec())).train().stream()
                        .filter(e -> e.text() != null).map(Example::text).toList();
            } catch (DatasetException e) {
                throw RegulaException.atKey("data", e);
            }
            if (fp32.tokenizer() == null) {
                throw new RegulaException(Problem.atKey("backbone.quantize",
                        "static quantization calibrates on train texts and needs the backbone's tokenizer; none was found")
                        .withExpected("backbone.tokenizer, or mode: dynamic", "no tokenizer"));
            }
        }
        Path out = staging.resolve(QUANTIZED_BACKBONE);
        try (TextEncoder enc = fp32.tokenizer() == null ? null
                : TextEncoder.open(fp32.tokenizer().file(), s.maxLength(), s.truncation())) {
            OnnxModel model = BackboneQuantizer.quantize(OnnxModel.read(fp32.model().file()), enc, train, q);
            model.write(out);
            ctx.log("import: backbone quantized to int8 (" + q.mode().spelling()
                    + (q.mode() == QuantizeSpec.Mode.STATIC ? ", " + q.method().spelling() + ", "
                    + model.metadata().get("regula.quantize.calibration_rows") + " train rows" : "") + ")");
            return new Backbone(new SourceFile(out, Hashing.sha256(out), fp32.model().source() + " (int8 "
                    + q.mode().spelling() + ")"), fp32.tokenizer());
        } catch (IllegalArgumentException | OnnxModelException e) {
            throw new RegulaException(Problem.atKey("backbone.quantize", e.getMessage()), e);
        } catch (IOException e) {
            throw new RegulaException("import: cannot quantize into " + out + ": " + e.getMessage(), e);
        }
    }

    /** The backbone as the later stages see it: the built feature model, with the original backbone's hash. */
    public static Backbone committed(StageContext ctx, FeatureModel model) throws RegulaException {
        Path dir = ctx.dir(StageName.IMPORT);
        try {
            var modelFile = new dev.regula.transfer.backbone.SourceFile(dir.resolve(ImportStep.FEATURE_MODEL), model.backboneSha256(),
                    model.backboneSource());
            Path tok = dir.resolve(ImportStep.TOKENIZER);
            var tokenizer = Files.isRegularFile(tok) ? new dev.regula.transfer.backbone.SourceFile(tok,
                    Hashing.sha256(tok), tok.toString()) : null;
            return new Backbone(modelFile, tokenizer);
        } catch (IOException e) {
            throw new RegulaException("cannot read " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The committed feature model. */
    public static FeatureModel featureModel(StageContext ctx) throws RegulaException {
        try {
            return FeatureModel.load(ctx.dir(StageName.IMPORT).resolve(ImportStep.FEATURE_MODEL));
        } catch (BackboneException e) {
            throw RegulaException.wrap(e);
        }
    }

}
