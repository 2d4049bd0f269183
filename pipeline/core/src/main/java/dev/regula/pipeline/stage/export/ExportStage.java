package dev.regula.pipeline.stage.export;

import com.fasterxml.jackson.databind.JsonNode;
import dev.regula.ensemble.Ensemble;
import dev.regula.pipeline.RegulaException;
import dev.regula.pipeline.run.Json;
import dev.regula.pipeline.run.Stage;
import dev.regula.pipeline.run.StageContext;
import dev.regula.pipeline.run.StageName;
import dev.regula.pipeline.stage.ensemble.EnsembleStage;
import dev.regula.pipeline.stage.ensemble.EnsembleStep;
import dev.regula.pipeline.stage.features.FeaturesStage;
import dev.regula.pipeline.stage.imports.ImportStage;
import dev.regula.pipeline.stage.imports.ImportStep;
import dev.regula.pipeline.stage.train.TrainStage;
import dev.regula.pipeline.stage.train.TrainStep;
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
 * export, as the pipeline runs it: {@link ExportStep} on the committed feature model, features,
 * heads and ensemble (when the spec has one; else the head {@code export.head} names), and the
 * reader later stages use for what was exported.
 */
public final class ExportStage implements Stage {
    /** Metadata key of an unfrozen export: {@code backbone.unfreeze} as written. */
    public static final String UNFREEZE_KEY = "regula.unfreeze";

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
        return ctx.spec().sections("export");
    }

    @Override
    public Map<String, Object> run(StageContext ctx, Path staging) throws RegulaException {
        FeatureModel features = FeaturesStage.featureModel(ctx);
        FeatureStore store = FeaturesStage.store(ctx);
        Map<String, TrainedHead> heads = TrainStage.heads(ctx);
        ExportStep.Choice choice;
        if (ctx.spec().ensembleSection().isPresent()) {
            Ensemble ensemble = EnsembleStage.load(ctx);
            choice = ExportStep.Choice.of(ensemble, soupAlone(ctx), ctx.dir(StageName.ENSEMBLE).resolve(EnsembleStep.ENSEMBLE));
        } else {
            String chosen = ctx.spec().export().head();
            if ("best".equals(chosen)) {
                chosen = TrainStep.rankByValNll(heads).get(0);
            }
            choice = ExportStep.Choice.of(chosen, heads.get(chosen));
            if (ctx.spec().backbone().unfreeze() != null) {
                // the backbone with the layers trained beside this head, and how they were trained
                features = dev.regula.pipeline.stage.train.UnfreezeTrain.trainedFeatureModel(ctx, chosen);
                com.fasterxml.jackson.databind.JsonNode u = ctx.spec().section("backbone").get("unfreeze");
                choice = new ExportStep.Choice(chosen, choice.head(), null, Map.of(UNFREEZE_KEY, Json.compact(u)));
            }
        }
        Path tokenizer = ctx.dir(StageName.IMPORT).resolve(ImportStep.TOKENIZER);
        ExportStep.writeInto(features, Files.isRegularFile(tokenizer) ? tokenizer : null, FeaturesStage.textMaxLength(ctx),
                FeaturesStage.textTruncation(ctx), store, choice, staging);
        ctx.log("export: " + choice.chosen() + " → " + ExportStep.MODEL);
        return Map.of();
    }

    /** Whether the spec exports the ensemble's soup member alone ({@code export.head: soup} with {@code ensemble.soup}). */
    private static boolean soupAlone(StageContext ctx) {
        return ctx.spec().export().soup() && ctx.spec().ensembleSection().map(e -> e.hasNonNull("soup")).orElse(false);
    }

    /** What the committed export exported: a head's name, {@code soup}, or {@value ExportStep#ENSEMBLE}. */
    public static String chosenHead(StageContext ctx) throws RegulaException {
        Path info = ctx.dir(StageName.EXPORT).resolve(ExportStep.INFO);
        try {
            return Json.MAPPER.readTree(info.toFile()).get("head").asText();
        } catch (IOException e) {
            throw new RegulaException("cannot read " + info + ": " + e.getMessage(), e);
        }
    }
}
