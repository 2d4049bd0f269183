package dev.regula.pipeline;

import dev.regula.models.OnnxModel;
import dev.regula.models.OnnxModelException;
import dev.regula.transfer.backbone.Backbone;
import dev.regula.transfer.backbone.BackboneException;
import dev.regula.transfer.backbone.FeatureSpec;
import dev.regula.transfer.backbone.Pooling;
import dev.regula.transfer.data.BadRowPolicy;
import dev.regula.transfer.data.DatasetFormat;
import dev.regula.transfer.data.DatasetSpec;
import dev.regula.transfer.data.SplitFractions;
import dev.regula.transfer.data.SplitSpec;
import dev.regula.transfer.features.FeatureExtractorOptions;
import dev.regula.transfer.features.FeatureJob;
import dev.regula.transfer.features.FeatureJobException;
import dev.regula.transfer.features.FeatureJobResult;
import dev.regula.transfer.features.FeatureJobSpec;
import dev.regula.transfer.data.Hashing;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/** The features stage on explicit paths: the core behind {@code regula features}. */
public final class Features {
    private Features() {
    }

    /**
     * Extracts (or finds up to date) the store, and keeps a copy of the backbone's tokenizer beside it
     * as {@code OUT/tokenizer.json}, so the folder holds all that {@code regula export} needs.
     */
    public static FeatureJobResult run(FeaturesRequest r) throws RegulaException {
        FeatureJobSpec spec = toSpec(r);
        FeatureJobResult result;
        try {
            result = FeatureJob.run(spec);
        } catch (FeatureJobException e) {
            throw RegulaException.wrap(e);
        }
        try {
            Backbone b = Backbone.load(r.backbone(), r.tokenizer(), spec.cacheDir());
            Path copy = r.out().resolve(TOKENIZER);
            if (b.tokenizer() != null && !(Files.isRegularFile(copy) && Hashing.sha256(copy).equals(b.tokenizer().sha256()))) {
                Path tmp = Files.createTempFile(r.out(), "." + TOKENIZER, ".tmp");
                try {
                    Files.copy(b.tokenizer().file(), tmp, StandardCopyOption.REPLACE_EXISTING);
                    Files.move(tmp, copy, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } finally {
                    Files.deleteIfExists(tmp);
                }
            }
        } catch (BackboneException e) {
            throw RegulaException.wrap(e);
        } catch (IOException e) {
            throw new RegulaException("cannot copy the tokenizer into " + r.out() + ": " + e.getMessage(), e);
        }
        return result;
    }

    /** The tokenizer's copy in the output folder. */
    public static final String TOKENIZER = "tokenizer.json";

    static FeatureJobSpec toSpec(FeaturesRequest r) throws RegulaException {
        Path cache = r.out().resolve(".cache");
        Pooling pooling = parse("pooling", r.pooling(), () -> Pooling.parse(r.pooling()));
        String tensor = r.featureTensor() != null && !r.featureTensor().isBlank() ? r.featureTensor() : firstOutput(r, cache);
        DatasetFormat format = r.format() == null || r.format().isBlank()
                ? DatasetFormat.guess(r.data())
                : parse("format", r.format(), () -> DatasetFormat.parse(r.format()));
        BadRowPolicy badRows = parse("bad-rows", r.badRows(),
                () -> BadRowPolicy.valueOf(r.badRows().trim().toUpperCase(java.util.Locale.ROOT)));
        DatasetSpec data = DatasetSpec.of(r.data(), format).withTextField(r.textField()).withLabelField(r.labelField())
                .withGroupField(r.groupField()).withSplitField(r.splitField()).withBadRows(badRows);
        SplitSpec split = splitSpec(r);
        FeatureExtractorOptions extraction = FeatureExtractorOptions.defaults().withBatchSize(r.batchSize())
                .withIntraOpThreads(r.threads()).withProgress(r.progress());
        try {
            return new FeatureJobSpec(r.backbone(), r.tokenizer(), new FeatureSpec(tensor, pooling, r.l2Normalize()),
                    r.maxLength(), r.truncation(), data, split, extraction, r.out(), cache);
        } catch (IllegalArgumentException e) {
            throw new RegulaException(e.getMessage(), e);
        }
    }

    private static SplitSpec splitSpec(FeaturesRequest r) throws RegulaException {
        if (r.splitField() != null && !r.splitField().isBlank()) {
            return SplitSpec.byField();
        }
        List<Double> f = r.fractions();
        if (f.size() != 3) {
            throw new RegulaException("split fractions: expected three numbers train,val,test (e.g. 0.7,0.15,0.15), got " + f);
        }
        SplitFractions fractions = parse("split", f.toString(), () -> new SplitFractions(f.get(0), f.get(1), f.get(2)));
        return r.grouped() ? SplitSpec.grouped(fractions, r.seed()) : SplitSpec.stratified(fractions, r.seed());
    }

    /** The backbone's first graph output: the usual feature tensor of an exported encoder. */
    private static String firstOutput(FeaturesRequest r, Path cache) throws RegulaException {
        try {
            Backbone b = Backbone.load(r.backbone(), r.tokenizer(), cache);
            return OnnxModel.read(b.model().file()).proto().getGraph().getOutput(0).getName();
        } catch (BackboneException | OnnxModelException e) {
            throw RegulaException.wrap(e);
        }
    }

    private interface Parse<T> {
        T get();
    }

    private static <T> T parse(String key, String value, Parse<T> p) throws RegulaException {
        try {
            return p.get();
        } catch (IllegalArgumentException e) {
            throw new RegulaException(key + ": " + e.getMessage(), e);
        }
    }
}
