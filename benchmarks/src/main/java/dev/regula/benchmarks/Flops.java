package dev.regula.benchmarks;

import java.util.Arrays;
import java.util.List;

/**
 * FLOP counts of the work the benchmarks time, so that each can say what fraction of the machine's
 * {@link Ceiling} it reaches. Only the matrix products (and, for heads, the optimizer's elementwise
 * pass) are counted: LayerNorm, softmax, GELU, dropout masks and row gathers are left out, so the
 * fractions are slightly flattering to every contestant alike. benchmarks/README.md states the formulas.
 */
final class Flops {
    private Flops() {
    }

    /** A BERT-style encoder's shape: layers, hidden width h, intermediate (FFN) width. */
    record Encoder(int layers, int hidden, int intermediate) {
        Encoder {
            if (layers < 1 || hidden < 1 || intermediate < 1) {
                throw new IllegalArgumentException("encoder dimensions must be positive: " + layers + ", " + hidden + ", " + intermediate);
            }
        }

        /** all-MiniLM-L6-v2: 6 layers, hidden 384, intermediate 1536 (12 heads of 32, which do not change the count). */
        static Encoder miniLm() {
            return new Encoder(6, 384, 1536);
        }

        /**
         * FLOPs per token of the projections, per layer: Q, K, V and the output projection (4 · 2h²)
         * and the two FFN products (2 · 2·h·i); 21.2 MFLOP per token over MiniLM's 6 layers.
         */
        double perToken() {
            return layers * (8.0 * hidden * hidden + 4.0 * hidden * intermediate);
        }

        /**
         * FLOPs of one sequence padded to length {@code len}: {@code len · perToken()} plus attention's
         * two products (scores QKᵀ and scores·V), 2 · 2·len²·h per layer, whatever the head count.
         */
        double sequence(int len) {
            return len * perToken() + layers * 4.0 * len * (double) len * hidden;
        }

        /** FLOPs of the texts each at its own length (no padding): the work any contestant must do. */
        double useful(int[] lengths) {
            double f = 0;
            for (int l : lengths) {
                f += sequence(l);
            }
            return f;
        }

        /**
         * FLOPs Regula's {@code FeatureExtractor} computes for one {@code extract} call: lengths sorted
         * (when it buckets), cut into batches of {@code batch}, each row padded to its batch's longest.
         */
        double padded(int[] lengths, int batch, boolean bucket) {
            int[] l = lengths.clone();
            if (bucket) {
                Arrays.sort(l);
            }
            double f = 0;
            for (int from = 0; from < l.length; from += batch) {
                int to = Math.min(l.length, from + batch);
                int max = 0;
                for (int i = from; i < to; i++) {
                    max = Math.max(max, l[i]);
                }
                f += (to - from) * sequence(max);
            }
            return f;
        }

        /** Tokens computed including padding, as in {@link #padded}. */
        static long paddedTokens(int[] lengths, int batch, boolean bucket) {
            int[] l = lengths.clone();
            if (bucket) {
                Arrays.sort(l);
            }
            long t = 0;
            for (int from = 0; from < l.length; from += batch) {
                int to = Math.min(l.length, from + batch);
                t += (long) (to - from) * Arrays.stream(l, from, to).max().orElse(0);
            }
            return t;
        }
    }

    /** AdamW's elementwise FLOPs per parameter and step (moments 3 + 4, bias-corrected step 5, decay 2). */
    static final double ADAMW_PER_PARAM = 14;

    /**
     * FLOPs of one training step of K stacked MLP heads {@code d → hidden[0] → … → classes} at batch
     * {@code batch}: forward 2·B·Σ(in·out) per head; backward the weight gradients (the same again) and
     * the input gradients of every layer but the first (the features need none); plus AdamW's
     * {@link #ADAMW_PER_PARAM} per parameter.
     */
    static double mlpStep(int batch, int d, List<Integer> hidden, int classes, int heads) {
        int[] widths = new int[hidden.size() + 2];
        widths[0] = d;
        for (int i = 0; i < hidden.size(); i++) {
            widths[i + 1] = hidden.get(i);
        }
        widths[widths.length - 1] = classes;
        double gemm = 0;
        double params = 0;
        for (int i = 0; i + 1 < widths.length; i++) {
            double mac = (double) widths[i] * widths[i + 1];
            gemm += 2.0 * batch * mac * (i == 0 ? 2 : 3);
            params += mac + widths[i + 1];
        }
        return heads * (gemm + ADAMW_PER_PARAM * params);
    }

    /** GFLOP/s of {@code flops} done in {@code seconds}. */
    static double gflops(double flops, double seconds) {
        return flops / seconds / 1e9;
    }
}
