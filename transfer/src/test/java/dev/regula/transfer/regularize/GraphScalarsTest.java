package dev.regula.transfer.regularize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The loss's scalar constants stay valid until backward: a garbage collection between forward and
 * backward, followed by new direct buffers that reuse freed native memory, must not change the
 * gradient. With DJL's {@code op(Number)} for the 1/N of the mean and the L2 λ, this gradient came
 * out as inf.
 */
class GraphScalarsTest {

    @Test
    void gradientOfMeanCrossEntropyPlusL2SurvivesACollectionBeforeBackward() throws Exception {
        float[] z = {1f, -2f, 0.5f, 3f, 0f, -1f};
        int[] labels = {0, 2};
        double lambda = 0.25;
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray w = m.create(z, new Shape(2, 3));
            w.setRequiresGradient(true);
            try (NDManager batch = m.newSubManager()) {
                batch.tempAttachAll(w);
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray loss = new SmoothedCrossEntropy(0, null).loss(w, labels)
                            .add(new L2Penalty(lambda, false).value(List.of(w), List.of()));
                    overwriteFreedDirectMemory();
                    gc.backward(loss);
                }
                float[] g = w.getGradient().toFloatArray();
                for (int r = 0; r < 2; r++) {
                    double max = Math.max(z[3 * r], Math.max(z[3 * r + 1], z[3 * r + 2]));
                    double s = 0;
                    for (int c = 0; c < 3; c++) {
                        s += Math.exp(z[3 * r + c] - max);
                    }
                    for (int c = 0; c < 3; c++) {
                        double softmax = Math.exp(z[3 * r + c] - max) / s;
                        double expected = (softmax - (c == labels[r] ? 1 : 0)) / 2 + 2 * lambda * z[3 * r + c];
                        assertThat((double) g[3 * r + c]).as("d loss / d z[%d][%d]", r, c).isCloseTo(expected, within(1e-6));
                    }
                }
            }
        }
    }

    /** Lets the collector free unreachable direct buffers, then fills many new small ones with 12345f. */
    private static void overwriteFreedDirectMemory() throws InterruptedException {
        for (int k = 0; k < 3; k++) {
            System.gc();
            Thread.sleep(50);
        }
        List<ByteBuffer> junk = new ArrayList<>();
        for (int i = 0; i < 200_000; i++) {
            ByteBuffer b = ByteBuffer.allocateDirect(4).order(ByteOrder.nativeOrder());
            b.putFloat(0, 12345f);
            junk.add(b);
        }
        assertThat(junk).hasSize(200_000);
    }
}
