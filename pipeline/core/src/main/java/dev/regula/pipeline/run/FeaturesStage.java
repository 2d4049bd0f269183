package dev.regula.pipeline.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.regula.pipeline.RegulaException;
import dev.regula.pipeline.spec.PipelineSpec;
import dev.regula.pipeline.spec.Sections;
import dev.regula.transfer.backbone.Backbone;
import dev.regula.transfer.backbone.FeatureModel;
import dev.regula.transfer.data.Dataset;
import dev.regula.transfer.data.DatasetException;
import dev.regula.transfer.data.DatasetReader;
import dev.regula.transfer.data.Hashing;
import dev.regula.transfer.data.SplitFractions;
import dev.regula.transfer.data.SplitSpec;
import dev.regula.transfer.encode.EncoderMismatchException;
import dev.regula.transfer.features.FeatureExtractorOptions;
import dev.regula.transfer.features.FeatureJob;
import dev.regula.transfer.features.FeatureJobException;
import dev.regula.transfer.features.FeatureJobSpec;
import dev.regula.transfer.features.FeatureStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** features: data, split, one backbone pass per example, stored in {@code store/} (FeatureJob's pieces). */
final class FeaturesStage implements Stage {
    static final String STORE = "store";

    @Override
    public StageName name() {
        return StageName.FEATURES;
    }

    @Override
    public List<StageName> upstream(StageContext ctx) {
        return List.of(StageName.IMPORT);
    }

    @Override
    public JsonNode config(StageContext ctx) {
        ObjectNode c = JsonNodeFactory.instance.objectNode();
        for (String s : List.of("backbone", "data", "split", "features", "seed")) {
            c.set(s, ctx.spec().section(s));
        }
        // The batch size as it applies, defaults included: for a dynamically quantized backbone it
        // changes the features, so a changed default must rerun a spec that leaves the key out.
        c.put("effective_batch_size", ctx.spec().features().batchSize());
        return c;
    }

    @Override
    public Map<String, String> externalInputs(StageContext ctx) throws RegulaException {
        Path data = ctx.spec().data().path();
        try {
            return Map.of("data", Files.isDirectory(data) ? Hashing.sha256Tree(data) : Hashing.sha256(data));
        } catch (IOException e) {
            throw new RegulaException("data.path: cannot read " + data + ": " + e.getMessage(), e);
        }
    }

    /** The store's manifest records when it was written; its payload files are hashed instead. */
    @Override
    public Set<String> unhashedFiles() {
        return Set.of(STORE + "/" + FeatureStore.MANIFEST);
    }

    @Override
    public Map<String, Object> run(StageContext ctx, Path staging) throws RegulaException {
        FeatureModel model = ImportStage.featureModel(ctx);
        Backbone backbone = ImportStage.committed(ctx, model);
        FeatureJobSpec job = jobSpec(ctx.spec(), staging, ctx.cacheDir(), model.spec());
        Dataset data;
        try {
            data = DatasetReader.read(job.data());
        } catch (DatasetException e) {
            throw new RegulaException("data: " + e.getMessage(), e);
        }
        if (data.skipped().total() > 0) {
            ctx.log("features: skipped " + data.skipped());
        }
        long t0 = System.nanoTime();
        try {
            FeatureStore store = FeatureJob.extractTo(staging.resolve(STORE), model, backbone, data, job);
            double seconds = (System.nanoTime() - t0) / 1e9;
            ctx.log("features: " + data.size() + " examples, dim " + model.dim() + ", labels " + store.labels());
            return Map.of("extract_seconds", seconds);
        } catch (FeatureJobException e) {
            if (e.getCause() instanceof EncoderMismatchException) {
                throw new RegulaException("backbone.model: its inputs do not match the "
                        + (job.data().format().numeric() ? "numeric" : "text") + " data in data.path: " + e.getMessage(), e);
            }
            throw RegulaException.wrap(e);
        }
    }

    /** FeatureJob's spec for this pipeline spec (the validate stage re-reads the test split with it). */
    static FeatureJobSpec jobSpec(PipelineSpec spec, Path outDir, Path cacheDir,
                                 dev.regula.transfer.backbone.FeatureSpec feature) throws RegulaException {
        Sections.Backbone b = spec.backbone();
        Sections.Split s = spec.split();
        SplitSpec split;
        try {
            SplitFractions f = new SplitFractions(s.train(), s.val(), s.test());
            split = spec.data().splitField() != null ? SplitSpec.byField()
                    : s.grouped() ? SplitSpec.grouped(f, spec.seed()) : SplitSpec.stratified(f, spec.seed());
        } catch (IllegalArgumentException e) {
            throw new RegulaException("split: " + e.getMessage(), e);
        }
        FeatureExtractorOptions extraction = FeatureExtractorOptions.defaults().withBatchSize(spec.features().batchSize())
                .withThreads(spec.features().threads()).withProgress(true);
        return new FeatureJobSpec(b.model(), b.tokenizer(), feature, b.maxLength(), b.truncation(), spec.data(), split, extraction, outDir, cacheDir);
    }

    static FeatureStore store(StageContext ctx) throws RegulaException {
        try {
            return FeatureStore.open(ctx.dir(StageName.FEATURES).resolve(STORE));
        } catch (dev.regula.transfer.features.FeatureStoreException e) {
            throw RegulaException.wrap(e);
        }
    }
}
