package dev.regula.pipeline.stage.validate;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import dev.regula.models.OnnxModel;
import dev.regula.pipeline.Problem;
import dev.regula.pipeline.RegulaException;
import dev.regula.pipeline.run.StageContext;
import dev.regula.pipeline.run.StageName;
import dev.regula.pipeline.stage.features.FeaturesStage;
import dev.regula.pipeline.stage.features.HiddenStates;
import dev.regula.pipeline.stage.imports.ImportStep;
import dev.regula.pipeline.stage.train.UnfreezeTrain;
import dev.regula.transfer.backbone.FeatureModel;
import dev.regula.transfer.data.Example;
import dev.regula.transfer.encode.TextEncoder;
import dev.regula.transfer.features.FeatureMatrix;
import dev.regula.transfer.finetune.CutBatches;
import dev.regula.transfer.finetune.HiddenStateCache;
import dev.regula.transfer.finetune.InterpreterException;
import dev.regula.transfer.finetune.InterpreterOptions;
import dev.regula.transfer.finetune.OnnxInterpreter;
import dev.regula.transfer.finetune.Pooled;
import dev.regula.transfer.finetune.UnfreezePlan;
import dev.regula.transfer.train.TrainedHead;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The Java reference of an unfrozen export: the trained layers above the cut run on DJL (the
 * interpreter, as they were trained) and then the head. On the test split the hidden states at the
 * cut are recomputed in float32 with the trained feature model, so that parity measures the export
 * and not the fp16 rounding of the training cache; the train split reads the cache.
 */
final class UnfrozenReference {
    private static final int BATCH = 32;

    private UnfrozenReference() {
    }

    /** Probabilities of the test examples {@code test}, in order. */
    static float[][] test(StageContext ctx, String headName, TrainedHead head, List<Example> test, int[] labels) throws RegulaException {
        FeatureModel trained = UnfreezeTrain.trainedFeatureModel(ctx, headName);
        UnfreezePlan plan = HiddenStates.committedPlan(ctx);
        Path tok = ctx.dir(StageName.IMPORT).resolve(ImportStep.TOKENIZER);
        try (TextEncoder enc = TextEncoder.open(tok, FeaturesStage.textMaxLength(ctx), FeaturesStage.textTruncation(ctx));
             NDManager scratch = Engine.getInstance().newBaseManager()) {
            HiddenStateCache states = HiddenStateCache.extract(OnnxModel.of(trained.proto()), plan.cut(),
                    enc.encodeAll(test.stream().map(Example::text).toList()), 16, HiddenStateCache.Precision.FP32, scratch);
            return through(trained, plan, states, head, labels);
        } catch (IOException | InterpreterException e) {
            throw new RegulaException(Problem.atKey("validate", "cannot compute the DJL reference of the unfrozen model: "
                    + e.getMessage()), e);
        }
    }

    /** Probabilities of the cached train split. */
    static float[][] train(StageContext ctx, String headName, TrainedHead head, int[] labels) throws RegulaException {
        FeatureModel trained = UnfreezeTrain.trainedFeatureModel(ctx, headName);
        return through(trained, HiddenStates.committedPlan(ctx), HiddenStates.committed(ctx, "train"), head, labels);
    }

    private static float[][] through(FeatureModel trained, UnfreezePlan plan, CutBatches states, TrainedHead head, int[] labels)
            throws RegulaException {
        try (NDManager root = Engine.getInstance().newBaseManager();
             OnnxInterpreter top = OnnxInterpreter.create(OnnxModel.of(trained.proto()), List.of(plan.cut()), List.of(FeatureModel.OUTPUT),
                     InterpreterOptions.defaults().withTrainable(n -> false), root)) {
            float[][] pooled = Pooled.of(top, plan.cut(), trained.spec().maskInput(), states, BATCH, root);
            return head.predictProba(FeatureMatrix.of(pooled, labels));
        } catch (InterpreterException e) {
            throw new RegulaException(Problem.atKey("validate", "cannot run the unfrozen layers on DJL: " + e.getMessage()), e);
        }
    }
}
