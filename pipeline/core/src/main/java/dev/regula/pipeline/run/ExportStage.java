package dev.regula.pipeline.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.regula.ensemble.Ensemble;
import dev.regula.ensemble.EnsembleException;
import dev.regula.ensemble.Member;
import dev.regula.ensemble.export.EnsembleExport;
import dev.regula.ensemble.export.EnsembleMetadata;
import dev.regula.models.OnnxModel;
import dev.regula.models.OnnxModelException;
import dev.regula.pipeline.RegulaException;
import dev.regula.transfer.backbone.FeatureModel;
import dev.regula.transfer.export.ExportException;
import dev.regula.transfer.export.ExportMetadata;
import dev.regula.transfer.features.FeatureStore;
import dev.regula.transfer.train.TrainedHead;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

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
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("regula.data.sha256", store.manifest().key().dataSha256());
        Path tokenizer = ctx.dir(StageName.IMPORT).resolve(ImportStage.TOKENIZER);
        if (Files.isRegularFile(tokenizer)) {
            // What `regula predict` needs to encode text exactly as training did.
            meta.put(ExportMetadata.KEY_TOKENIZER_FILE, ImportStage.TOKENIZER);
            meta.put(ExportMetadata.KEY_MAX_LENGTH, Integer.toString(ctx.spec().backbone().maxLength()));
            meta.put(ExportMetadata.KEY_TRUNCATION, Boolean.toString(ctx.spec().backbone().truncation()));
        }
        Map<String, Object> info = new TreeMap<>();
        try {
            OnnxModel model;
            if (ensemble == null) {
                TrainedHead head = heads.get(chosen);
                meta.put("regula.head.name", chosen);
                meta.put("regula.head.spec", Json.compact(head.spec()));
                meta.put("regula.regularization", Json.compact(head.regularization()));
                meta.put("regula.training", Json.compact(head.training()));
                meta.put("regula.best_epoch", Integer.toString(head.history().bestEpoch()));
                model = SingleHeadExport.build(features, head, store.labels(), meta);
                info.put("val_loss", head.history().best().valLoss());
            } else {
                Ensemble e = ensemble;
                meta.put("regula.head.name", ENSEMBLE);
                meta.putAll(EnsembleMetadata.of(e));
                model = SingleHeadExport.build(features, e.classes().size(), store.labels(),
                        (g, x) -> EnsembleExport.writeGraph(g, x, e), meta);
                info.put("members", e.members().stream().map(Member::name).toList());
                info.put("combiner", e.combiner().kind());
            }
            model.write(staging.resolve(MODEL));
            if (Files.isRegularFile(tokenizer)) {
                Files.copy(tokenizer, staging.resolve(ImportStage.TOKENIZER));
            }
            info.put("head", chosen);
            info.put("labels", store.labels());
            info.put("outputs", List.of(SingleHeadExport.PROBABILITIES, SingleHeadExport.LABEL));
            Json.write(staging.resolve(INFO), info);
        } catch (OnnxModelException | ExportException | IllegalArgumentException e) {
            throw new RegulaException("export: " + e.getMessage(), e);
        } catch (EnsembleException e) {
            throw new RegulaException("export: ensemble: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new RegulaException("export: cannot write " + staging + ": " + e.getMessage(), e);
        }
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
