package dev.regula.pipeline.stage.imports;

import dev.regula.models.Hashing;
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

    private static Backbone load(StageContext ctx) throws RegulaException {
        Sections.Backbone s = ctx.spec().backbone();
        return ImportStep.load(s.model(), s.tokenizer(), ctx.cacheDir(), ctx.artifacts(), Problem.atKey("backbone"));
    }

    @Override
    public Map<String, Object> run(StageContext ctx, Path staging) throws RegulaException {
        Sections.Backbone s = ctx.spec().backbone();
        FeatureModel model = ImportStep.writeInto(load(ctx), s.featureTensor(), s.pooling(), s.l2Normalize(), s.maskInput(),
                staging, Problem.atKey("backbone"));
        ctx.log("import: feature model of dim " + model.dim() + " from " + s.model());
        return Map.of();
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
