package dev.regula.ensemble;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Greedy forward selection with replacement (Caruana et al., 2004): start from nothing and, for a
 * fixed number of rounds, add the member (possibly again) whose addition gives the lowest
 * validation NLL of the running average. The pick counts become the weights of a {@link WeightedMean}.
 */
public final class CaruanaSelection {
    private CaruanaSelection() {}

    /**
     * @param rounds number of picks, >= 1; weights are counts / rounds
     * @return a weighted mean of kind {@code caruana}, whose description lists the counts and the pick order
     */
    public static WeightedMean fit(MemberPredictions val, int rounds) throws EnsembleException {
        if (rounds < 1) {
            throw new EnsembleException("caruana: rounds must be >= 1, got " + rounds);
        }
        WeightedMean.Rows rows = WeightedMean.Rows.clean(val, "caruana");
        int k = val.members();
        int c = val.classes();
        double[][] sum = new double[rows.idx().length][c];
        int[] counts = new int[k];
        List<String> picks = new ArrayList<>();
        List<Double> trace = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            int best = -1;
            double bestNll = Double.POSITIVE_INFINITY;
            for (int j = 0; j < k; j++) {
                double nll = 0;
                for (int i = 0; i < rows.idx().length; i++) {
                    int r = rows.idx()[i];
                    int y = rows.y()[r];
                    double q = (sum[i][y] + rows.p()[j][r][y]) / round;
                    nll -= Math.log(Math.max(Probs.EPS, q));
                }
                nll /= rows.idx().length;
                // Strict '<' breaks ties toward the earlier member, so the result does not depend on float noise order.
                if (nll < bestNll) {
                    bestNll = nll;
                    best = j;
                }
            }
            if (best < 0) {
                throw new EnsembleException("caruana: validation NLL is NaN for every member in round " + round);
            }
            counts[best]++;
            picks.add(val.names().get(best));
            trace.add(bestNll);
            for (int i = 0; i < rows.idx().length; i++) {
                int r = rows.idx()[i];
                for (int cc = 0; cc < c; cc++) {
                    sum[i][cc] += rows.p()[best][r][cc];
                }
            }
        }
        double[] w = new double[k];
        for (int j = 0; j < k; j++) {
            w[j] = (double) counts[j] / rounds;
        }
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("rounds", rounds);
        d.put("counts", java.util.Arrays.stream(counts).boxed().toList());
        d.put("picks", picks);
        d.put("val_nll_per_round", trace);
        return WeightedMean.create("caruana", w, d);
    }
}
