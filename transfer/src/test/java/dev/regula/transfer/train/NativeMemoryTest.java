package dev.regula.transfer.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.regula.transfer.features.FeatureMatrix;
import dev.regula.transfer.head.HeadActivation;
import dev.regula.transfer.head.HeadSpec;
import dev.regula.transfer.regularize.DropoutSpec;
import dev.regula.transfer.regularize.EarlyStoppingSpec;
import dev.regula.transfer.regularize.L2SpSpec;
import dev.regula.transfer.regularize.RegularizationSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Training many heads in a row must not grow the process: every native array is freed per run. */
class NativeMemoryTest {

    private static long rssMb() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
            }
        }
        throw new IllegalStateException("no VmRSS line in /proc/self/status");
    }

    /** RSS after a GC, the smallest of a few reads: allocator and GC jitter only ever add. */
    private static long settledRssMb() throws Exception {
        long min = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            min = Math.min(min, rssMb());
        }
        return min;
    }

    @Test
    void trainingHundredHeadsDoesNotGrowResidentMemory() throws Exception {
        Assumptions.assumeTrue(Files.exists(Path.of("/proc/self/status")), "needs Linux /proc");
        FeatureMatrix train = TestData.blobs(81, 64, 256, 3);
        FeatureMatrix val = TestData.blobs(82, 32, 256, 3);
        // W1 alone is 256x512 floats = 0.5 MB; with its gradient and Adam's two moments a head
        // holds ~2 MB of native arrays: leaking whole runs shows as a slope of ~2-3 MB per head.
        HeadSpec mlp = HeadSpec.mlp(HeadActivation.GELU, 512);
        RegularizationSpec reg = RegularizationSpec.builder().dropout(DropoutSpec.of(DropoutSpec.Kind.CONCRETE, 0.2, 0.1))
                .l2(1e-4).weightDecay(0.01).l2Sp(L2SpSpec.towardInit(1e-3)).maxNorm(3.0)
                .earlyStopping(new EarlyStoppingSpec(EarlyStoppingSpec.Metric.VAL_LOSS, 50, 0)).build();
        TrainingSpec spec = TrainingSpec.adam(0.01, 32, 2, 0);
        // Warm-up: the JIT, libtorch and the C allocator settle within the first ~80 runs (RSS
        // makes a one-time jump of ~100 MB in that span, then stays flat).
        for (int i = 0; i < 80; i++) {
            HeadTrainer.train(train, val, 3, mlp, reg, spec.withSeed(i)).predictProba(val);
        }
        // Then 100 heads, RSS sampled every 10; the least-squares slope ignores one-off jitter
        // (a GC, an allocator trim) that a first-vs-last difference would not.
        int samples = 11;
        double[] x = new double[samples];
        double[] y = new double[samples];
        for (int s = 0; s < samples; s++) {
            if (s > 0) {
                for (int i = 0; i < 10; i++) {
                    HeadTrainer.train(train, val, 3, mlp, reg, spec.withSeed(80 + s * 10 + i)).predictProba(val);
                }
            }
            x[s] = s * 10;
            y[s] = settledRssMb();
        }
        double mx = java.util.Arrays.stream(x).average().orElseThrow();
        double my = java.util.Arrays.stream(y).average().orElseThrow();
        double num = 0;
        double den = 0;
        for (int s = 0; s < samples; s++) {
            num += (x[s] - mx) * (y[s] - my);
            den += (x[s] - mx) * (x[s] - mx);
        }
        double slope = num / den;
        assertThat(slope).as("RSS growth in MB per head over 100 heads, samples %s", java.util.Arrays.toString(y))
                .isLessThan(0.5);
        // Issue 16's figure: RSS after head 100 within 5% of RSS after head 10 (y[1]: 10 heads in, y[10]: 100).
        double ratio = y[10] / y[1];
        System.out.printf(java.util.Locale.ROOT, "memory=train-heads rss_mb_head10=%.0f rss_mb_head100=%.0f ratio=%.4f slope_mb_per_head=%.4f%n",
                y[1], y[10], ratio, slope);
        assertThat(ratio).as("RSS after head 100 / after head 10, samples %s", java.util.Arrays.toString(y)).isLessThanOrEqualTo(1.05);
    }
}
