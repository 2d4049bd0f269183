package dev.regula.transfer.tune;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Successive halving with epochs as the resource, in the style of ASHA (Li et al. 2020) but with
 * synchronous rungs: a rung's promotions are decided once every trial of the rung is scored, so they do
 * not depend on which trial happened to finish first, and reruns are identical.
 *
 * <p><b>Continuation.</b> A promoted trial continues from where its previous rung paused it (weights,
 * optimizer state, learning-rate step and RNG streams: {@code dev.regula.transfer.train.TrainingRun}), so
 * rung {@code k} costs only {@code n_k·(r_k − r_{k−1})} epochs. Every trial trains on the schedule of the
 * full budget R and is paused at its rung's epoch, so its state at rung k is exactly the first
 * {@code r_k} epochs of an uninterrupted R-epoch run. That is also how a killed run resumes: a trial whose
 * paused state was lost retrains from its seed to the rung it needs, and gets the same bytes.
 *
 * <p><b>Rung schedule.</b> For n trials, full budget R, reduction factor η and minimum resource r_min:
 * <ol>
 *   <li>the number of halvings is {@code s = ⌊log_η(R/r_min)⌋} (as in Hyperband's bracket for r_min);
 *   <li>rung k keeps {@code n_k = max(1, ⌊n_{k−1}/η⌋)} trials ({@code n_0 = n}), the best by their score
 *       (mean over folds of the best val NLL reached so far, ties by id); once one trial is left it gets R at once;
 *   <li>rung k trains to {@code r_k = r_0·η^k} epochs for {@code k < s} and the last rung to R;
 *   <li>the first rung's budget r_0 is the largest integer {@code ≥ r_min} with {@code r_{s−1} < R} whose
 *       total cost {@code Σ n_k·(r_k − r_{k−1})} is at most {@code n·R/η} epochs (1/η of the full grid);
 *       r_min itself when even that is over budget.
 * </ol>
 * Step 4 is why continuation matters for quality, not only for cost: retraining every rung from scratch
 * spent {@code (s+1)/η^s} of the grid (1/3 at η = 3, s = 2) with a first rung at R/η²; continuing
 * spends the same third with a first rung about 1.5 times longer (R = 30: 5/15/30 epochs instead of
 * 3/10/30), where slow starters (strong dropout) are less often cut before they catch up. Early
 * stopping: a trial whose fold stopped early keeps that fold's best score at every later rung (it is
 * neither penalised nor retrained), and if promoted it costs no further epochs on that fold.
 */
public final class Halving {
    private Halving() {}

    /** One rung: its epoch budget and how many trials it trains. */
    public record Rung(int index, int epochs, int trials) {}

    /**
     * The rungs for {@code n} trials (see the class comment for the rule).
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
        List<Rung> best = rungs(n, maxEpochs, minEpochs, s, eta);
        for (int r = minEpochs + 1; s > 0 && (long) r * pow(eta, s - 1) < maxEpochs; r++) {
            List<Rung> candidate = rungs(n, maxEpochs, r, s, eta);
            if (cost(candidate) * eta > (long) n * maxEpochs) {
                break;
            }
            best = candidate;
        }
        return best;
    }

    /** Epochs a schedule trains per fold when survivors continue: {@code Σ n_k·(r_k − r_{k−1})}. */
    public static long cost(List<Rung> rungs) {
        long total = 0;
        int previous = 0;
        for (Rung r : rungs) {
            total += (long) r.trials() * (r.epochs() - previous);
            previous = r.epochs();
        }
        return total;
    }

    private static List<Rung> rungs(int n, int maxEpochs, int first, int s, int eta) {
        List<Rung> out = new ArrayList<>();
        int count = n;
        for (int k = 0; k <= s; k++) {
            if (k == s || count == 1) {
                // The last rung, or one trial left: nothing to compare, give it the full budget at once.
                out.add(new Rung(k, maxEpochs, count));
                break;
            }
            out.add(new Rung(k, (int) (first * pow(eta, k)), count));
            count = Math.max(1, count / eta);
        }
        return out;
    }

    /**
     * The default minimum resource, {@code max(1, round(R/η²))}: it sets three rungs (two halvings);
     * {@link #schedule} then raises the first rung as far as the budget allows.
     */
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
