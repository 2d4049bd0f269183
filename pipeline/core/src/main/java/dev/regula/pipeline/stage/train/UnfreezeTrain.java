package dev.regula.pipeline.stage.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import dev.regula.models.OnnxModel;
import dev.regula.pipeline.Problem;
import dev.regula.pipeline.RegulaException;
import dev.regula.pipeline.run.Json;
import dev.regula.pipeline.run.StageContext;
import dev.regula.pipeline.run.StageName;
import dev.regula.pipeline.spec.Sections;
import dev.regula.pipeline.stage.features.FeaturesStage;
import dev.regula.pipeline.stage.features.HiddenStates;
import dev.regula.pipeline.stage.imports.ImportStage;
import dev.regula.transfer.backbone.BackboneException;
import dev.regula.transfer.backbone.FeatureModel;
import dev.regula.transfer.features.FeatureStore;
import dev.regula.transfer.finetune.FineTuneSpec;
import dev.regula.transfer.finetune.FineTuner;
import dev.regula.transfer.finetune.HiddenStateCache;
import dev.regula.transfer.finetune.InterpreterException;
import dev.regula.transfer.finetune.InterpreterOptions;
import dev.regula.transfer.finetune.OnnxInterpreter;
import dev.regula.transfer.finetune.UnfreezePlan;
import dev.regula.transfer.head.LayerWeights;
import dev.regula.transfer.train.EpochRecord;
import dev.regula.transfer.train.TrainedHead;
import dev.regula.transfer.train.TrainingHistory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The train stage with {@code backbone.unfreeze}: the spec's one head and the layers above the cut
 * trained together on the cached hidden states ({@link FineTuner}), written as the usual
 * {@code <name>/head.json}, {@code history.json} and {@code heads.json}, plus the feature model with
 * the trained layers written back ({@code <name>/feature-model.onnx}) and {@code <name>/unfreeze.json}.
 */
public final class UnfreezeTrain {
    /** The feature model with the trained layers, beside the head. */
    public static final String FEATURE_MODEL = "feature-model.onnx";
    /** What the fine-tuning did: cut, phases, best epoch. */
    public static final String INFO = "unfreeze.json";

    private UnfreezeTrain() {
    }

    static Map<String, Object> trainInto(StageContext ctx, Path staging) throws RegulaException {
        Sections.Unfreeze u = ctx.spec().backbone().unfreeze();
        Sections.Head h = ctx.spec().heads().get(0);
        FeatureStore store = FeaturesStage.store(ctx);
        FeatureModel features = ImportStage.featureModel(ctx);
        UnfreezePlan plan = HiddenStates.committedPlan(ctx);
        HiddenStateCache train = HiddenStates.committed(ctx, "train");
        if (!store.splitNames().contains("val") || store.split("val").rows() == 0) {
            throw new RegulaException(Problem.atKey("split.val", "backbone.unfreeze stops early on the val split, and it is empty")
                    .withExpected("a fraction > 0", "0"));
        }
        HiddenStateCache val = HiddenStates.committed(ctx, "val");
        int[] trainY = store.split("train").labels();
        int[] valY = store.split("val").labels();
        if (train.size() != trainY.length || val.size() != valY.length) {
            throw new RegulaException("train: the hidden-state cache holds " + train.size() + "/" + val.size() + " train/val rows and"
                    + " the feature store " + trainY.length + "/" + valY.length + "; rerun the features stage");
        }
        int classes = store.labels().size();
        var t = h.training();
        int probe = u.schedule() == FineTuneSpec.Schedule.LP_FT ? t.epochs() : 0;
        FineTuneSpec spec;
        try {
            spec = new FineTuneSpec(u.schedule(), u.epochs(), probe, t.batchSize(), t.learningRate(), u.learningRate(), u.l2Sp(), u.l2(),
                    h.regularization().l2(), u.hiddenDropout(), u.patience(), t.seed());
        } catch (IllegalArgumentException e) {
            throw new RegulaException(Problem.atKey("backbone.unfreeze", e.getMessage()), e);
        }
        Path dir = staging.resolve(h.name());
        long t0 = System.nanoTime();
        OnnxModel model = OnnxModel.of(features.proto());
        String mask = features.spec().maskInput();
        FineTuner.Result r;
        try (NDManager root = Engine.getInstance().newBaseManager();
             OnnxInterpreter top = OnnxInterpreter.create(model, List.of(plan.cut()), List.of(FeatureModel.OUTPUT),
                     InterpreterOptions.defaults().withTrainable(plan.trainable()::contains), root)) {
            ctx.log("train: " + h.name() + " with the last " + plan.layers() + " backbone layers unfrozen (" + top.parameters().size()
                    + " tensors, cut " + plan.cut() + "), " + u.schedule().name().toLowerCase(Locale.ROOT));
            r = FineTuner.train(top, plan.cut(), mask, train, trainY, val, valY, classes, h.head(), spec, root);
            if (r.bestPhase().equals("initial")) {
                throw new RegulaException(Problem.atKey("backbone.unfreeze", "no epoch lowered the val NLL below the untrained"
                        + " head's (" + r.initialValLoss() + "); raise the epochs or the learning rates"));
            }
            Files.createDirectories(dir);
            FeatureModel.fromBytes(top.writeBack(model).proto().toByteArray()).save(dir.resolve(FEATURE_MODEL));
        } catch (InterpreterException e) {
            throw new RegulaException(Problem.atKey("backbone.unfreeze", e.getMessage()), e);
        } catch (BackboneException | IOException e) {
            throw new RegulaException("train: cannot write " + dir + ": " + e.getMessage(), e);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        TrainedHead head = new TrainedHead(h.head(), h.regularization(), h.training(), classes, r.layers(), history(r, spec),
                sparsity(r.layers()), new double[0]);
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("cut", plan.cut());
        info.put("layers", plan.layers());
        info.put("trainable_tensors", plan.trainable().size());
        info.put("schedule", u.schedule().name().toLowerCase(Locale.ROOT));
        info.put("initial_val_loss", r.initialValLoss());
        info.put("best_val_loss", r.bestValLoss());
        info.put("best_phase", r.bestPhase());
        info.put("best_phase_epoch", r.bestEpoch());
        info.put("seconds", seconds);
        try {
            HeadFile.save(head, dir.resolve(TrainStep.HEAD));
            Json.write(dir.resolve(TrainStep.HISTORY), head.history());
            Json.write(dir.resolve(INFO), info);
            Map<String, Object> summary = new TreeMap<>();
            summary.put(h.name(), TrainStep.summaryLine(head));
            Json.write(staging.resolve(TrainStep.SUMMARY), summary);
        } catch (IOException e) {
            throw new RegulaException("train: cannot write " + dir + ": " + e.getMessage(), e);
        }
        ctx.log(String.format(Locale.ROOT, "train: %s val NLL %.4f -> %.4f (%s epoch %d), %.1f s", h.name(), r.initialValLoss(),
                r.bestValLoss(), r.bestPhase(), r.bestEpoch(), seconds));
        return Map.of("train_seconds", Map.of(h.name(), seconds));
    }

    /** The fine-tuning's epochs as the train stage records them, probe epochs first, numbered on from 1. */
    static TrainingHistory history(FineTuner.Result r, FineTuneSpec spec) {
        List<EpochRecord> epochs = new ArrayList<>();
        int best = 0;
        int probeRun = 0;
        int tuneRun = 0;
        for (FineTuner.Epoch e : r.history()) {
            List<Double> norms = r.layers().stream().map(LayerWeights::weightL2Norm).toList();
            epochs.add(new EpochRecord(epochs.size() + 1, spec.headLearningRate(), e.trainLoss(), e.trainLoss(), e.trainAccuracy(),
                    e.trainMacroF1(), e.valLoss(), e.valAccuracy(), e.valMacroF1(), e.trainAccuracy() - e.valAccuracy(),
                    e.valLoss() - e.trainLoss(), norms, 0, 0, List.of()));
            if (e.phase().equals(r.bestPhase()) && e.epoch() == r.bestEpoch()) {
                best = epochs.size();
            }
            if (e.phase().equals("probe")) {
                probeRun++;
            } else {
                tuneRun++;
            }
        }
        boolean early = probeRun < spec.probeEpochs() || (spec.schedule() != FineTuneSpec.Schedule.FROZEN && tuneRun < spec.epochs());
        return new TrainingHistory(epochs, best, early);
    }

    private static double sparsity(List<LayerWeights> layers) {
        long zero = 0;
        long all = 0;
        for (LayerWeights l : layers) {
            for (float[] row : l.w()) {
                for (float w : row) {
                    zero += w == 0f ? 1 : 0;
                    all++;
                }
            }
        }
        return all == 0 ? 0 : (double) zero / all;
    }

    /** The feature model the head was trained on top of: the import's, with the trained layers written back. */
    public static FeatureModel trainedFeatureModel(StageContext ctx, String head) throws RegulaException {
        Path f = ctx.dir(StageName.TRAIN).resolve(head).resolve(FEATURE_MODEL);
        if (!Files.isRegularFile(f)) {
            throw new RegulaException("train: " + f + " is missing; the train stage writes it with backbone.unfreeze, rerun that stage");
        }
        try {
            return FeatureModel.load(f);
        } catch (BackboneException e) {
            throw RegulaException.wrap(e);
        }
    }
}
