package dev.regula.models;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/** Runs a model in ONNX Runtime (CPU) on Java multi-dimensional arrays and returns Java arrays. */
final class OrtSupport {
    private OrtSupport() {
    }

    /** Feeds are float[]..float[][][] or long[][] etc.; results are the outputs' Java array values by name. */
    static Map<String, Object> run(OnnxModel model, Map<String, Object> feeds) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        Map<String, OnnxTensor> tensors = new HashMap<>();
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
             OrtSession session = env.createSession(model.proto().toByteArray(), opts)) {
            for (Map.Entry<String, Object> e : feeds.entrySet()) {
                tensors.put(e.getKey(), OnnxTensor.createTensor(env, e.getValue()));
            }
            try (OrtSession.Result r = session.run(tensors)) {
                Map<String, Object> out = new LinkedHashMap<>();
                for (Map.Entry<String, OnnxValue> e : r) {
                    out.put(e.getKey(), e.getValue().getValue());
                }
                return out;
            }
        } finally {
            tensors.values().forEach(OnnxTensor::close);
        }
    }

    static float[][] matMul(float[][] x, float[][] w) {
        float[][] y = new float[x.length][w[0].length];
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < w[0].length; j++) {
                double s = 0;
                for (int k = 0; k < w.length; k++) {
                    s += (double) x[i][k] * w[k][j];
                }
                y[i][j] = (float) s;
            }
        }
        return y;
    }

    static float[][] addRow(float[][] x, float[] b) {
        float[][] y = new float[x.length][];
        for (int i = 0; i < x.length; i++) {
            y[i] = x[i].clone();
            for (int j = 0; j < b.length; j++) {
                y[i][j] += b[j];
            }
        }
        return y;
    }

    static float[][] relu(float[][] x) {
        float[][] y = new float[x.length][];
        for (int i = 0; i < x.length; i++) {
            y[i] = x[i].clone();
            for (int j = 0; j < y[i].length; j++) {
                y[i][j] = Math.max(0f, y[i][j]);
            }
        }
        return y;
    }

    static float[][] softmaxRows(float[][] x) {
        float[][] y = new float[x.length][x[0].length];
        for (int i = 0; i < x.length; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (float v : x[i]) {
                max = Math.max(max, v);
            }
            double sum = 0;
            for (float v : x[i]) {
                sum += Math.exp(v - max);
            }
            for (int j = 0; j < x[i].length; j++) {
                y[i][j] = (float) (Math.exp(x[i][j] - max) / sum);
            }
        }
        return y;
    }

    /** Deterministic pseudo-random values in [-1, 1), from a seed. */
    static float[][] randomMatrix(long seed, int rows, int cols) {
        java.util.Random rnd = new java.util.Random(seed);
        float[][] m = new float[rows][cols];
        for (float[] row : m) {
            for (int j = 0; j < cols; j++) {
                row[j] = rnd.nextFloat() * 2 - 1;
            }
        }
        return m;
    }

    static float[] randomVector(long seed, int n) {
        return randomMatrix(seed, 1, n)[0];
    }

    static void assertClose(float[][] expected, float[][] actual, double tol) {
        org.assertj.core.api.Assertions.assertThat(actual.length).isEqualTo(expected.length);
        for (int i = 0; i < expected.length; i++) {
            org.assertj.core.api.Assertions.assertThat(actual[i].length).as("row %d length", i).isEqualTo(expected[i].length);
            for (int j = 0; j < expected[i].length; j++) {
                org.assertj.core.api.Assertions.assertThat((double) actual[i][j]).as("[%d][%d]", i, j)
                        .isCloseTo(expected[i][j], org.assertj.core.data.Offset.offset(tol));
            }
        }
    }
}
