package dev.regula.pipeline.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.regula.ensemble.Ensemble;
import dev.regula.pipeline.RegulaException;
import dev.regula.transfer.backbone.FeatureModel;
import dev.regula.transfer.features.FeatureStore;
import dev.regula.transfer.train.TrainedHead;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * export: {@code model.onnx} (feature model + the ensemble when the spec has one, fused, else the chosen head; outputs probabilities and label,
 * provenance in metadata), {@code tokenizer.json} for text backbones, and {@code export.json}
 * naming what was exported.
 */
final class ExportStage implements Stage {
    static final String MODEL = "model.onnx";
    static final String INFO = "export.json";
    /** What export.json names as its head when the ensemble was exported. */
    static final String ENSEMBLE = "ensemble";

    @Override
    public StageName name() {
        return StageName.EXPORT;
    }

    @Override
    public List<StageName> upstream(StageContext ctx) {
        List<StageName> up = new ArrayList<>(List.of(StageName.IMPORT, StageName.FEATURES, StageName.TRAIN));
        if (ctx.spec().ensembleSection().isPresent()) {
            up.add(StageName.ENSEMBLE);
        }
        return up;
    }

    @Override
    public JsonNode config(StageContext ctx) {
        ObjectNode c = JsonNodeFactory.instance.objectNode();
        c.set("export", ctx.spec().section("export"));
        return c;
    }

    @Override
    public Map<String, Object> run(StageContext ctx, Path staging) throws RegulaException {
        FeatureModel features = ImportStage.featureModel(ctx);
        FeatureStore store = FeaturesStage.store(ctx);
        Map<String, TrainedHead> heads = TrainStage.heads(ctx);
        Ensemble ensemble = ctx.spec().ensembleSection().isPresent() ? EnsembleStage.load(ctx) : null;
        String chosen = ensemble != null ? ENSEMBLE : ctx.spec().export().head();
        if ("best".equals(chosen)) {
            chosen = TrainStage.rankByValNll(heads).get(0);
        }
        Path tokenizer = ctx.dir(StageName.IMPORT).resolve(ImportStage.TOKENIZER);
        ExportStep.writeInto(features, Files.isRegularFile(tokenizer) ? tokenizer : null, ctx.spec().backbone().maxLength(),
                ctx.spec().backbone().truncation(), store, chosen, ensemble == null ? heads.get(chosen) : null, ensemble, staging);
        ctx.log("export: " + chosen + " → " + MODEL);
        return Map.of();
    }

    static String chosenHead(StageContext ctx) throws RegulaException {
        try {
            return Json.MAPPER.readTree(ctx.dir(StageName.EXPORT).resolve(INFO).toFile()).get("head").asText();
        } catch (IOException e) {
            throw new RegulaException("cannot read " + ctx.dir(StageName.EXPORT).resolve(INFO) + ": " + e.getMessage(), e);
        }
    }

}
