package dev.regula.pipeline.stage.features;

import dev.regula.models.Hashing;
import dev.regula.models.OnnxModelException;
import dev.regula.pipeline.RegulaException;
import dev.regula.pipeline.run.StageContext;
import dev.regula.pipeline.run.StageName;
import dev.regula.pipeline.stage.imports.ImportStage;
import dev.regula.pipeline.stage.imports.ImportStep;
import dev.regula.transfer.backbone.BackboneException;
import dev.regula.transfer.backbone.FeatureModel;
import dev.regula.transfer.data.Dataset;
import dev.regula.transfer.data.DatasetException;
import dev.regula.transfer.data.DatasetReader;
import dev.regula.transfer.features.FeatureJobSpec;
import dev.regula.transfer.features.FeatureStoreException;
import dev.regula.transfer.lexical.LexicalFeatures;
import dev.regula.transfer.lexical.LexicalSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The features stage for {@code features.kind: lexical}: fits the TF-IDF vocabulary and IDF on the
 * train split with the import stage's tokenizer, and writes {@code store/} and the fitted
 * {@value #FEATURE_MODEL} (later stages export it in place of the import's feature model).
 */
final class LexicalStep {
    /** The fitted lexical feature model, beside the store. */
    static final String FEATURE_MODEL = "feature-model.onnx";

    private LexicalStep() {
    }

    static Map<String, Object> extractInto(StageContext ctx, Path staging) throws RegulaException {
        LexicalSpec spec = ctx.spec().features().lexical();
        if (ctx.spec().data().format().numeric()) {
            throw new RegulaException("features.kind: lexical needs text data, but data.format is "
                    + ctx.spec().data().format().id() + "; expected jsonl, csv or folders");
        }
        Path tokenizer = ctx.dir(StageName.IMPORT).resolve(ImportStep.TOKENIZER);
        if (!Files.isRegularFile(tokenizer)) {
            throw new RegulaException("features.kind: lexical needs the backbone's tokenizer.json, and the import stage has none;"
                    + " set backbone.tokenizer");
        }
        FeatureModel neural = ImportStage.featureModel(ctx);
        FeatureJobSpec job = FeaturesStep.jobSpec(ctx.spec(), staging, ctx.cacheDir(), neural.spec());
        long t0 = System.nanoTime();
        try {
            Dataset data = DatasetReader.read(job.data());
            String sha = Hashing.sha256(tokenizer);
            // The backbone's opset (at least TfIdfVectorizer's), so a later hybrid graph can merge both.
            int opset = Math.max(dev.regula.models.TfIdfBlock.MIN_OPSET, neural.proto().getOpsetImportList().stream()
                    .filter(o -> o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx"))
                    .mapToInt(o -> (int) o.getVersion()).max().orElse(dev.regula.models.GraphBuilder.DEFAULT_OPSET));
            LexicalFeatures.Result r = LexicalFeatures.extractTo(staging.resolve(FeaturesStep.STORE), tokenizer, sha, data,
                    job.split(), spec, opset);
            FeatureModel model = LexicalFeatures.asFeatureModel(r.featureModel(), r.vectorizer().size(), sha,
                    String.valueOf(ctx.spec().backbone().tokenizer()));
            model.save(staging.resolve(FEATURE_MODEL));
            double seconds = (System.nanoTime() - t0) / 1e9;
            ctx.log("features: lexical, " + data.size() + " examples, vocabulary " + r.vectorizer().size() + " n-grams (1.."
                    + spec.ngramMax() + ") from " + r.vectorizer().trainDocs() + " train documents, labels " + r.store().labels());
            // The manifest records these as timings; kind and vocabulary live in the feature model's metadata.
            return Map.of("extract_seconds", seconds);
        } catch (DatasetException e) {
            throw new RegulaException("data: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new RegulaException("features.lexical: " + e.getMessage(), e);
        } catch (FeatureStoreException | BackboneException e) {
            throw RegulaException.wrap(e);
        } catch (IOException e) {
            throw new RegulaException("features: cannot write " + staging + ": " + e.getMessage(), e);
        }
    }
}
