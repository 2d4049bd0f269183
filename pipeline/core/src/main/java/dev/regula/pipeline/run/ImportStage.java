package dev.regula.pipeline.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.regula.models.OnnxModel;
import dev.regula.models.OnnxModelException;
import dev.regula.pipeline.RegulaException;
import dev.regula.pipeline.spec.Sections;
import dev.regula.transfer.backbone.Backbone;
import dev.regula.transfer.backbone.BackboneException;
import dev.regula.transfer.backbone.FeatureModel;
import dev.regula.transfer.backbone.FeatureModelBuilder;
import dev.regula.transfer.backbone.FeatureSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** import: resolves the backbone and builds the feature model ({@code feature-model.onnx}, {@code tokenizer.json}). */
final class ImportStage implements Stage {
    static final String FEATURE_MODEL = "feature-model.onnx";
    static final String TOKENIZER = "tokenizer.json";

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
        return ctx.spec().section("backbone");
    }

    @Override
    public Map<String, String> externalInputs(StageContext ctx) throws RegulaException {
        Backbone b = load(ctx);
        Map<String, String> in = new TreeMap<>();
        in.put("backbone.model", b.model().sha256());
        if (b.tokenizer() != null) {
            in.put("backbone.tokenizer", b.tokenizer().sha256());
        }
        return in;
    }

    static Backbone load(StageContext ctx) throws RegulaException {
        Sections.Backbone s = ctx.spec().backbone();
        try {
            return Backbone.load(s.model(), s.tokenizer(), ctx.cacheDir());
        } catch (BackboneException e) {
            throw new RegulaException("backbone: " + e.getMessage(), e);
        }
    }

    @Override
    public Map<String, Object> run(StageContext ctx, Path staging) throws RegulaException {
        Sections.Backbone s = ctx.spec().backbone();
        Backbone backbone = load(ctx);
        try {
            String tensor = s.featureTensor() != null ? s.featureTensor()
                    : OnnxModel.read(backbone.model().file()).proto().getGraph().getOutput(0).getName();
            FeatureModel model = FeatureModelBuilder.build(backbone,
                    new FeatureSpec(tensor, s.pooling(), s.l2Normalize(), s.maskInput()));
            model.save(staging.resolve(FEATURE_MODEL));
            if (backbone.tokenizer() != null) {
                Files.copy(backbone.tokenizer().file(), staging.resolve(TOKENIZER));
            }
            ctx.log("import: feature model of dim " + model.dim() + " from " + s.model());
            return Map.of();
        } catch (BackboneException | OnnxModelException e) {
            throw new RegulaException("backbone: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new RegulaException("import: cannot write " + staging + ": " + e.getMessage(), e);
        }
    }

    /** The backbone as the later stages see it: the built feature model, with the original backbone's hash. */
    static Backbone committed(StageContext ctx, FeatureModel model) throws RegulaException {
        Path dir = ctx.dir(StageName.IMPORT);
        try {
            var modelFile = new dev.regula.transfer.backbone.SourceFile(dir.resolve(FEATURE_MODEL), model.backboneSha256(),
                    model.backboneSource());
            Path tok = dir.resolve(TOKENIZER);
            var tokenizer = Files.isRegularFile(tok) ? new dev.regula.transfer.backbone.SourceFile(tok,
                    dev.regula.transfer.data.Hashing.sha256(tok), tok.toString()) : null;
            return new Backbone(modelFile, tokenizer);
        } catch (IOException e) {
            throw new RegulaException("cannot read " + dir + ": " + e.getMessage(), e);
        }
    }

    static FeatureModel featureModel(StageContext ctx) throws RegulaException {
        try {
            return FeatureModel.load(ctx.dir(StageName.IMPORT).resolve(FEATURE_MODEL));
        } catch (BackboneException e) {
            throw RegulaException.wrap(e);
        }
    }

}
