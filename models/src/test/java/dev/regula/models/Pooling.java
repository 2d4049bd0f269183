package dev.regula.models;

/** Mean pooling over a mask and L2 normalisation, as ONNX nodes and as plain Java for reference. */
final class Pooling {
    private Pooling() {
    }

    /** hidden [B, L, H] float, mask [B, L] int64 -> [B, H]: sum(hidden * mask) / max(sum(mask), 1e-9). */
    static OnnxRef meanPool(GraphBuilder g, OnnxRef hidden, OnnxRef mask) {
        OnnxRef m = g.unsqueeze(g.cast(mask, ElemType.FLOAT), 2);
        OnnxRef sum = g.reduceSum(g.mul(hidden, m), new long[] {1}, false);
        OnnxRef count = g.clip(g.reduceSum(m, new long[] {1}, false), 1e-9f, null);
        return g.div(sum, count);
    }

    /** x [B, H] -> x / max(||x||, 1e-12) row-wise. */
    static OnnxRef l2Normalize(GraphBuilder g, OnnxRef x) {
        OnnxRef norm = g.sqrt(g.reduceSum(g.mul(x, x), new long[] {1}, true));
        return g.div(x, g.clip(norm, 1e-12f, null));
    }

    static float[][] meanPool(float[][][] hidden, long[][] mask) {
        int h = hidden[0][0].length;
        float[][] out = new float[hidden.length][h];
        for (int b = 0; b < hidden.length; b++) {
            double count = 0;
            double[] sum = new double[h];
            for (int l = 0; l < hidden[b].length; l++) {
                count += mask[b][l];
                for (int k = 0; k < h; k++) {
                    sum[k] += hidden[b][l][k] * mask[b][l];
                }
            }
            for (int k = 0; k < h; k++) {
                out[b][k] = (float) (sum[k] / Math.max(count, 1e-9));
            }
        }
        return out;
    }

    static float[][] l2Normalize(float[][] x) {
        float[][] out = new float[x.length][];
        for (int b = 0; b < x.length; b++) {
            double s = 0;
            for (float v : x[b]) {
                s += (double) v * v;
            }
            double n = Math.max(Math.sqrt(s), 1e-12);
            out[b] = new float[x[b].length];
            for (int k = 0; k < x[b].length; k++) {
                out[b][k] = (float) (x[b][k] / n);
            }
        }
        return out;
    }
}
