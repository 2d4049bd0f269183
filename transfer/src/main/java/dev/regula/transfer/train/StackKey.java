package dev.regula.transfer.train;

import dev.regula.transfer.regularize.DropoutSpec;
import dev.regula.transfer.regularize.RegularizationSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * What the heads of one stack must share, besides architecture and rows: the optimizer family
 * and its constants (state has one layout), batch size and epochs (one batch order, one loop),
 * the device, whether penalties and decay cover biases, and, for the adaptive dropouts, the kind
 * and which sites exist (a concrete site holds all heads' learned rates; variational dropout
 * replaces every layer). Standard, gaussian and no dropout mix freely: their masks are drawn per
 * head. Heads with equal keys can train in one stack.
 */
public record StackKey(String optimizer, double momentum, double beta1, double beta2, double adamEpsilon, int batchSize,
        int epochs, TrainingSpec.DeviceChoice device, boolean includeBias, String dropoutFamily) {

    /** The key of a head with these settings. */
    public static StackKey of(RegularizationSpec reg, TrainingSpec t) {
        boolean sgd = t.optimizer() == TrainingSpec.Optimizer.SGD;
        DropoutSpec d = reg.dropout();
        String family = switch (d.kind()) {
            case NONE, STANDARD, GAUSSIAN -> "mask";
            case CONCRETE -> "concrete(input=" + (d.inputRate() > 0) + ",hidden=" + (d.rate() > 0) + ")";
            case VARIATIONAL -> "variational";
        };
        // ADAM and ADAMW are one update (decay is always decoupled), so they share a key.
        return new StackKey(sgd ? "sgd" : "adam", sgd ? t.momentum() : 0, sgd ? 0 : t.beta1(), sgd ? 0 : t.beta2(),
                sgd ? 0 : t.adamEpsilon(), t.batchSize(), t.epochs(), t.device(), reg.includeBias(), family);
    }

    /** The key of a job. */
    public static StackKey of(HeadJob job) {
        return of(job.regularization(), job.training());
    }

    /** The fields in which {@code other} differs, as {@code name: this vs other}. */
    public List<String> differences(StackKey other) {
        List<String> out = new ArrayList<>();
        diff(out, "optimizer", optimizer, other.optimizer);
        diff(out, "momentum", momentum, other.momentum);
        diff(out, "beta1", beta1, other.beta1);
        diff(out, "beta2", beta2, other.beta2);
        diff(out, "adam_epsilon", adamEpsilon, other.adamEpsilon);
        diff(out, "batch_size", batchSize, other.batchSize);
        diff(out, "epochs", epochs, other.epochs);
        diff(out, "device", device, other.device);
        diff(out, "include_bias", includeBias, other.includeBias);
        diff(out, "dropout", dropoutFamily, other.dropoutFamily);
        return out;
    }

    private static void diff(List<String> out, String name, Object a, Object b) {
        if (!a.equals(b)) {
            out.add(name + ": " + a + " vs " + b);
        }
    }
}
