package dev.regula.transfer.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.regula.transfer.regularize.ConcreteDropout;
import dev.regula.transfer.regularize.DropoutLayer;
import dev.regula.transfer.regularize.DropoutSpec;
import dev.regula.transfer.regularize.MaskDropout;
import dev.regula.transfer.regularize.NoiseSource;
import java.util.ArrayList;
import java.util.List;

/**
 * One dropout site (the input of one dense layer) for every head of a stack. Mask dropouts
 * (standard, gaussian) are drawn per head on the Java side into one mask array, so heads may
 * differ in kind and rate; a head without dropout here gets ones and draws nothing, exactly as it
 * would alone. Concrete dropout is one {@link ConcreteDropout} holding every head's learned rate.
 */
final class StackSite {
    private final List<DropoutLayer> perHead;
    private final ConcreteDropout concrete;
    private final boolean active;

    private StackSite(List<DropoutLayer> perHead, ConcreteDropout concrete) {
        this.perHead = perHead;
        this.concrete = concrete;
        this.active = concrete != null || perHead.stream().anyMatch(d -> d != DropoutLayer.NONE);
    }

    /** The site of layer {@code layer} (0 = the input features) for heads with these dropout specs. */
    static StackSite of(NDManager manager, List<DropoutSpec> dropouts, int layer) {
        int heads = dropouts.size();
        double[] rates = new double[heads];
        for (int k = 0; k < heads; k++) {
            rates[k] = layer == 0 ? dropouts.get(k).inputRate() : dropouts.get(k).rate();
        }
        if (dropouts.get(0).kind() == DropoutSpec.Kind.CONCRETE) {
            if (rates[0] == 0) {
                return new StackSite(nones(heads), null);
            }
            double[] t = new double[heads];
            double[] wr = new double[heads];
            double[] dr = new double[heads];
            for (int k = 0; k < heads; k++) {
                t[k] = dropouts.get(k).temperature();
                wr[k] = dropouts.get(k).weightReg();
                dr[k] = dropouts.get(k).dropoutReg();
            }
            return new StackSite(nones(heads), new ConcreteDropout(manager, rates, t, wr, dr));
        }
        List<DropoutLayer> sites = new ArrayList<>();
        for (int k = 0; k < heads; k++) {
            sites.add(dropouts.get(k).site(manager, rates[k]));
        }
        return new StackSite(sites, null);
    }

    private static List<DropoutLayer> nones(int heads) {
        return java.util.Collections.nCopies(heads, DropoutLayer.NONE);
    }

    /**
     * Applies the site: {@code h} is {@code [K, B, W]}, or the shared batch {@code [B, W]} at the
     * input; the result has the head axis whenever the site acted.
     */
    NDArray apply(NDArray h, boolean training, NoiseSource[] noises) {
        if (!training || !active) {
            return h;
        }
        boolean stacked = h.getShape().dimension() == 3;
        if (concrete != null) {
            return concrete.apply(h, true, noises, stacked);
        }
        Shape rest = stacked ? h.getShape().slice(1) : h.getShape();
        int n = Math.toIntExact(rest.size());
        int heads = perHead.size();
        float[] mask = new float[heads * n];
        for (int k = 0; k < heads; k++) {
            if (perHead.get(k) instanceof MaskDropout d) {
                System.arraycopy(d.maskValues(n, noises[k]), 0, mask, k * n, n);
            } else {
                java.util.Arrays.fill(mask, k * n, (k + 1) * n, 1f);
            }
        }
        return h.mul(h.getManager().create(mask, new Shape(heads).addAll(rest)));
    }

    /** The site of the heads {@code keep} ({@code index}: {@code keep} as int64, in the manager for new arrays). */
    StackSite select(int[] keep, NDArray index) {
        List<DropoutLayer> sub = new ArrayList<>();
        for (int k : keep) {
            sub.add(perHead.get(k));
        }
        return new StackSite(sub, concrete == null ? null : concrete.select(keep, index));
    }

    /** The concrete dropout of this site, or null. */
    ConcreteDropout concrete() {
        return concrete;
    }

    /** Current rate per head (learned ones for concrete). */
    double[] rates() {
        if (concrete != null) {
            return concrete.rates();
        }
        return perHead.stream().mapToDouble(DropoutLayer::rate).toArray();
    }

    /** Trainable arrays (concrete dropout's logits {@code [K, 1, 1]}), else none. */
    List<NDArray> parameters() {
        return concrete == null ? List.of() : concrete.parameters();
    }
}
