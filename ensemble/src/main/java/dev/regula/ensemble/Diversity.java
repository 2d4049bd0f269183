package dev.regula.ensemble;

import dev.regula.transfer.train.Metrics;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * How differently the members behave on the test split.
 *
 * @param members member names, in matrix order
 * @param disagreement {@code [K][K]} fraction of rows where members i and j predict different classes
 * @param meanDisagreement mean over pairs i < j (0 for one member)
 * @param ambiguity squared-error ambiguity decomposition of the mean ensemble
 */
public record Diversity(
        @JsonProperty("members") List<String> members,
        @JsonProperty("disagreement") double[][] disagreement,
        @JsonProperty("mean_disagreement") double meanDisagreement,
        @JsonProperty("ambiguity") Ambiguity ambiguity) {

    /**
     * Krogh and Vedelsby's decomposition for squared error on probability vectors with weights w:
     * ‖p̄ − e_y‖² = Σ_k w_k ‖p_k − e_y‖² − Σ_k w_k ‖p_k − p̄‖², averaged over rows. It is an
     * identity, so {@code ensembleLoss == meanMemberLoss − ambiguity} up to rounding.
     *
     * @param weights member weights used for p̄ (uniform unless a weighted combiner was given)
     */
    public record Ambiguity(
            @JsonProperty("weights") double[] weights,
            @JsonProperty("ensemble_loss") double ensembleLoss,
            @JsonProperty("mean_member_loss") double meanMemberLoss,
            @JsonProperty("ambiguity") double ambiguity) {}

    /** Diversity of {@code proba [K][N][C]} against labels {@code y}, the decomposition under weights {@code w}. */
    public static Diversity of(List<String> names, float[][][] proba, int[] y, double[] w) {
        int k = proba.length;
        int n = y.length;
        double[][] dis = new double[k][k];
        int[][] hat = new int[k][n];
        for (int m = 0; m < k; m++) {
            for (int i = 0; i < n; i++) {
                hat[m][i] = Metrics.argmax(proba[m][i]);
            }
        }
        double pairSum = 0;
        for (int a = 0; a < k; a++) {
            for (int b = a + 1; b < k; b++) {
                int diff = 0;
                for (int i = 0; i < n; i++) {
                    diff += hat[a][i] != hat[b][i] ? 1 : 0;
                }
                dis[a][b] = dis[b][a] = (double) diff / n;
                pairSum += dis[a][b];
            }
        }
        double mean = k < 2 ? 0 : pairSum / (k * (k - 1) / 2.0);
        double ens = 0;
        double memberLoss = 0;
        double amb = 0;
        int c = n == 0 ? 0 : proba[0][0].length;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < c; j++) {
                double bar = 0;
                for (int m = 0; m < k; m++) {
                    bar += w[m] * proba[m][i][j];
                }
                double t = j == y[i] ? 1 : 0;
                ens += (bar - t) * (bar - t);
                for (int m = 0; m < k; m++) {
                    double pm = proba[m][i][j];
                    memberLoss += w[m] * (pm - t) * (pm - t);
                    amb += w[m] * (pm - bar) * (pm - bar);
                }
            }
        }
        return new Diversity(List.copyOf(names), dis, mean, new Ambiguity(w.clone(), ens / n, memberLoss / n, amb / n));
    }
}
