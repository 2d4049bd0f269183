package dev.regula.transfer.tune;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Successive halving with epochs as the resource, in the style of ASHA (Li et al. 2020) but with
 * synchronous rungs: a rung's promotions are decided once every trial of the rung is scored, so they do
 * not depend on which trial happened to finish first, and reruns are identical.
 *
 * <p>Rung {@code k} of {@code s+1} trains for {@code r_k = round(R·η^(k−s))} epochs (the last rung
 * exactly R, the first at least the minimum resource r_min, {@code s = ⌊log_η(R/r_min)⌋}) and keeps
 * {@code n_k = max(1, ⌊n_{k−1}/η⌋)} trials, the best by mean val NLL (ties by id). Each rung trains its
 * trials from their seeded initialisation, not from the previous rung's weights: no weights need to
 * survive a killed run, so resume and thread scheduling cannot change a result; the price is
 * {@code Σ n_k·r_k} epochs instead of {@code Σ n_k·(r_k − r_{k−1})}, (s+1)/η^s of the full grid
 * (1/3 with three rungs and η = 3).
 */
public final class Halving {
    private Halving() {}

    /** One rung: its epoch budget and how many trials it trains. */
    public record Rung(int index, int epochs, int trials) {}

    /**
     * The rungs for {@code n} trials.
     *
     * @param maxEpochs R, the full budget (the training spec's epochs)
     * @param minEpochs r_min >= 1; no trial is stopped before it has trained this many epochs
     */
    public static List<Rung> schedule(int n, int maxEpochs, int minEpochs, int eta) {
        if (n < 1 || maxEpochs < 1 || minEpochs < 1 || eta < 2) {
            throw new IllegalArgumentException("halving needs n >= 1, epochs >= 1, min_epochs >= 1, eta >= 2; got n=" + n
                    + " epochs=" + maxEpochs + " min_epochs=" + minEpochs + " eta=" + eta);
        }
        if (minEpochs > maxEpochs) {
            throw new IllegalArgumentException("tune.min_epochs " + minEpochs + " exceeds the training epochs " + maxEpochs);
        }
        int s = 0;
        while ((long) minEpochs * pow(eta, s + 1) <= maxEpochs) {
            s++;
        }
        List<Rung> out = new ArrayList<>();
        int count = n;
        for (int k = 0; k <= s; k++) {
            int epochs = k == s ? maxEpochs : (int) Math.max(minEpochs, Math.round(maxEpochs / (double) pow(eta, s - k)));
            out.add(new Rung(k, epochs, count));
            count = Math.max(1, count / eta);
            if (k < s && out.get(k).trials() == 1) {
                // One trial left: nothing to compare, give it the full budget at once.
                out.set(k, new Rung(k, maxEpochs, 1));
                break;
            }
        }
        return out;
    }

    /** The default minimum resource: three rungs' worth, {@code max(1, round(R/η²))}. */
    public static int defaultMinEpochs(int maxEpochs, int eta) {
        return (int) Math.max(1, Math.round(maxEpochs / (double) eta / eta));
    }

    /** The {@code keep} best results by mean val NLL (ties by id), in id order. */
    public static List<TrialResult> promote(List<TrialResult> rung, int keep) {
        return rung.stream()
                .sorted(Comparator.comparingDouble(TrialResult::meanValNll).thenComparing(TrialResult::id))
                .limit(keep)
                .sorted(Comparator.comparing(TrialResult::id))
                .toList();
    }

    private static long pow(int b, int e) {
        long r = 1;
        for (int i = 0; i < e; i++) {
            r *= b;
        }
        return r;
    }
}
