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
        TrainedHead head = null;
        Map<String, String> meta = Map.of();
        if (ensemble != null && soupAlone(ctx)) {
            // The soup is one head: exported as a single head, with what it averages in the metadata.
            chosen = EnsembleConfig.SOUP;
            head = soupMember(ensemble).head();
            meta = Map.of(SOUP_META, Json.compact(ExportStep.soupRecord(ctx.dir(StageName.ENSEMBLE).resolve(EnsembleStage.ENSEMBLE))));
            ensemble = null;
        } else if ("best".equals(chosen)) {
            chosen = TrainStage.rankByValNll(heads).get(0);
        }
        if (ensemble == null && head == null) {
            head = heads.get(chosen);
        }
        Path tokenizer = ctx.dir(StageName.IMPORT).resolve(ImportStage.TOKENIZER);
        ExportStep.writeInto(features, Files.isRegularFile(tokenizer) ? tokenizer : null, ctx.spec().backbone().maxLength(),
                ctx.spec().backbone().truncation(), store, chosen, head, ensemble, meta, staging);
        ctx.log("export: " + chosen + " → " + MODEL);
        return Map.of();
    }

    /** Metadata key of an exported soup: its kind, {@code of} and ingredients, as in ensemble.json. */
    static final String SOUP_META = "regula.soup";

    /** Whether the spec exports the ensemble's soup member alone ({@code export.head: soup} with {@code ensemble.soup}). */
    static boolean soupAlone(StageContext ctx) {
        return ctx.spec().export().soup() && ctx.spec().ensembleSection().map(e -> e.hasNonNull("soup")).orElse(false);
    }

    /** The ensemble's soup member. */
    static dev.regula.ensemble.Member soupMember(Ensemble e) throws RegulaException {
        return e.members().stream().filter(m -> m.name().equals(EnsembleConfig.SOUP)).findFirst()
                .orElseThrow(() -> new RegulaException("export: the ensemble holds no member '" + EnsembleConfig.SOUP + "'"));
    }

    static String chosenHead(StageContext ctx) throws RegulaException {
        try {
            return Json.MAPPER.readTree(ctx.dir(StageName.EXPORT).resolve(INFO).toFile()).get("head").asText();
        } catch (IOException e) {
            throw new RegulaException("cannot read " + ctx.dir(StageName.EXPORT).resolve(INFO) + ": " + e.getMessage(), e);
        }
    }

}
