package dev.regula.transfer.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The one-pass Java Adam step gives the libtorch form's results bit for bit, so a stack (and a stack of
 * one, the former single-head trainer) trains to the same bytes whichever form runs.
 */
class FusedAdamTest {

    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void fusedStepsEqualTheLibtorchStepsBitForBit(int heads) {
        try (NDManager m = NDManager.newBaseManager()) {
            // Shapes of a stacked 2-layer head; 5 000 values per head row run over several chunks and a ragged end.
            List<Shape> shapes = List.of(new Shape(heads, 3, 5000), new Shape(heads, 1, 7), new Shape(heads, 2, 3));
            SplittableRandom rnd = new SplittableRandom(7);
            List<NDArray> fusedParams = new ArrayList<>();
            List<NDArray> tensorParams = new ArrayList<>();
            for (Shape s : shapes) {
                float[] w = random(rnd, s.size(), 1.0);
                fusedParams.add(m.create(w, s).duplicate());
                tensorParams.add(m.create(w, s).duplicate());
            }
            ParameterUpdater.Adam fused = new ParameterUpdater.Adam(m, fusedParams, 0.9, 0.999, 1e-8, heads, true);
            ParameterUpdater.Adam tensor = new ParameterUpdater.Adam(m, tensorParams, 0.9, 0.999, 1e-8, heads, false);
            double[] lr = new double[heads];
            for (int k = 0; k < heads; k++) {
                lr[k] = 1e-3 * (k + 1);
            }
            for (int step = 0; step < 6; step++) {
                boolean[] active = new boolean[heads];
                for (int k = 0; k < heads; k++) {
                    // Every head sits some step out (rate 0, bias correction 1) once the stack has several.
                    active[k] = heads == 1 || (step + k) % 3 != 0;
                }
                List<NDArray> g1 = new ArrayList<>();
                List<NDArray> g2 = new ArrayList<>();
                for (Shape s : shapes) {
                    // Gradients over several magnitudes, zeros included, exercise rounding everywhere.
                    float[] g = random(rnd, s.size(), Math.pow(10, rnd.nextInt(-6, 2)));
                    for (int i = 0; i < g.length; i += 11) {
                        g[i] = 0f;
                    }
                    g1.add(m.create(g, s));
                    g2.add(m.create(g, s));
                }
                fused.update(fusedParams, g1, lr, active);
                tensor.update(tensorParams, g2, lr, active);
                for (int i = 0; i < shapes.size(); i++) {
                    // Both forms leave the gradients at +0 for the next backward pass.
                    assertThat(bits(g1.get(i))).as("fused gradient %d", i).containsOnly(0);
                    assertThat(bits(g2.get(i))).as("libtorch gradient %d", i).containsOnly(0);
                    assertThat(mismatches(fusedParams.get(i), tensorParams.get(i))).as("step %d parameter %d", step, i).isEmpty();
                }
            }
            List<NDArray> fs = fused.headState();
            List<NDArray> ts = tensor.headState();
            // The fused form's state ends with its scratch arrays; the moments come first in both.
            assertThat(fs).hasSize(ts.size() + shapes.size());
            for (int i = 0; i < ts.size(); i++) {
                assertThat(mismatches(fs.get(i), ts.get(i))).as("moment %d", i).isEmpty();
            }
        }
    }

    @Test
    void aNonContiguousArrayIsNotWrittenThroughItsBuffer() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = m.create(new float[] {1, 2, 3, 4, 5, 6}, new Shape(2, 3)).duplicate();
            NDArray t = a.transpose();
            NDArray z = m.zeros(new Shape(3, 2));
            assertThat(FusedAdam.supports(List.of(a, z))).isTrue();
            assertThat(FusedAdam.supports(List.of(z, t))).isFalse();
            assertThat(a.toFloatArray()).containsExactly(1, 2, 3, 4, 5, 6);
        }
    }

    private static float[] random(SplittableRandom rnd, long n, double scale) {
        float[] a = new float[Math.toIntExact(n)];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) ((rnd.nextDouble() * 2 - 1) * scale);
        }
        return a;
    }

    /** The first few positions whose bits differ, with both values, so a failure says where and by how much. */
    private static List<String> mismatches(NDArray a, NDArray b) {
        int[] x = bits(a);
        int[] y = bits(b);
        List<String> out = new ArrayList<>();
        int count = 0;
        for (int i = 0; i < x.length; i++) {
            if (x[i] != y[i]) {
                if (out.size() < 5) {
                    out.add(i + ": " + Float.intBitsToFloat(x[i]) + " vs " + Float.intBitsToFloat(y[i]));
                }
                count++;
            }
        }
        if (count > 0) {
            out.add(count + " of " + x.length + " differ");
        }
        return out;
    }

    private static int[] bits(NDArray a) {
        float[] f = a.toFloatArray();
        int[] b = new int[f.length];
        for (int i = 0; i < f.length; i++) {
            b[i] = Float.floatToRawIntBits(f[i]);
        }
        return b;
    }
}
