package dev.regula.pipeline.stage.features;

import dev.regula.models.Hashing;
import dev.regula.pipeline.RegulaException;
import dev.regula.pipeline.run.StageContext;
import dev.regula.pipeline.run.StageName;
import dev.regula.pipeline.spec.Sections;
import dev.regula.pipeline.stage.imports.ImportStage;
import dev.regula.pipeline.stage.imports.ImportStep;
import dev.regula.transfer.backbone.BackboneException;
import dev.regula.transfer.backbone.FeatureModel;
import dev.regula.transfer.data.Dataset;
import dev.regula.transfer.data.DatasetException;
import dev.regula.transfer.data.DatasetReader;
import dev.regula.transfer.features.FeatureJobSpec;
import dev.regula.transfer.features.FeatureStore;
import dev.regula.transfer.features.FeatureStoreException;
import dev.regula.transfer.lexical.HybridFeatures;
import dev.regula.transfer.lexical.LexicalSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The features stage for {@code features.kind: hybrid}: the neural store is extracted by the stage's
 * engine (as for {@code neural}) into a scratch folder, the TF-IDF block is fitted on the train split,
 * and {@code store/} holds their scaled concatenation; {@value LexicalStep#FEATURE_MODEL} is the one
 * hybrid graph (later stages export it in place of the import's feature model). The scratch neural
 * store is deleted: the committed stage keeps only what later stages read.
 */
final class HybridStep {
    /** The scratch folder of the neural block, removed before the stage commits. */
    private static final String NEURAL = "neural-scratch";

    private HybridStep() {
    }

    static Map<String, Object> extractInto(StageContext ctx, Path staging, FeaturesStage.Engine engine) throws RegulaException {
        Sections.Features f = ctx.spec().features();
        LexicalSpec spec = f.lexical();
        if (ctx.spec().data().format().numeric()) {
            throw new RegulaException("features.kind: hybrid needs text data, but data.format is "
                    + ctx.spec().data().format().id() + "; expected jsonl, csv or folders");
        }
        Path tokenizer = ctx.dir(StageName.IMPORT).resolve(ImportStep.TOKENIZER);
        if (!Files.isRegularFile(tokenizer)) {
            throw new RegulaException("features.kind: hybrid needs the backbone's tokenizer.json, and the import stage has none;"
                    + " set backbone.tokenizer");
        }
        int window = ctx.spec().backbone().maxLength();
        if (spec.maxLength() < window) {
            throw new RegulaException("features.lexical.max_length is " + spec.maxLength() + ", below backbone.max_length "
                    + window + "; with 'features.kind: hybrid' the lexical window holds the backbone's, so expected >= " + window);
        }
        FeatureModel neural = ImportStage.featureModel(ctx);
        Path scratch = staging.resolve(NEURAL);
        FeatureJobSpec job = FeaturesStep.jobSpec(ctx.spec(), scratch, ctx.cacheDir(), neural.spec());
        Map<String, Object> timings = new LinkedHashMap<>(engine.extractInto(neural, ImportStage.committed(ctx, neural), job,
                scratch, ctx::log));
        long t0 = System.nanoTime();
        try {
            Dataset data = DatasetReader.read(job.data());
            FeatureStore neuralStore = FeatureStore.open(scratch.resolve(FeaturesStep.STORE));
            HybridFeatures.Result r = HybridFeatures.extractTo(staging.resolve(FeaturesStep.STORE), neuralStore, neural, tokenizer,
                    Hashing.sha256(tokenizer), data, job.split(), spec, window, (float) f.hybrid().neuralScale(),
                    (float) f.hybrid().lexicalScale());
            r.featureModel().save(staging.resolve(LexicalStep.FEATURE_MODEL));
            deleteTree(scratch);
            ctx.log("features: hybrid, " + data.size() + " examples, [" + neural.dim() + " neural x " + f.hybrid().neuralScale()
                    + " | " + r.vectorizer().size() + " lexical x " + f.hybrid().lexicalScale() + "], vocabulary "
                    + r.vectorizer().size() + " n-grams (1.." + spec.ngramMax() + ") from " + r.vectorizer().trainDocs()
                    + " train documents; backbone window " + window + " cut in-graph from " + spec.maxLength() + " tokens"
                    + (r.slice().sepId() < 0 ? "" : " (end token " + r.slice().sepId() + ")"));
            timings.put("lexical_seconds", (System.nanoTime() - t0) / 1e9);
            return timings;
        } catch (DatasetException e) {
            throw new RegulaException("data: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new RegulaException("features (kind hybrid): " + e.getMessage(), e);
        } catch (FeatureStoreException | BackboneException e) {
            throw RegulaException.wrap(e);
        } catch (IOException e) {
            throw new RegulaException("features: cannot write " + staging + ": " + e.getMessage(), e);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
