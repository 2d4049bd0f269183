package dev.regula.pipeline.run;

/**
 * Fixes libtorch's thread counts before the DJL engine loads: a multi-threaded BLAS may split sums
 * differently from run to run, and byte-identical reruns need bit-identical weights. Values the
 * user set ({@code -Dai.djl.pytorch.num_threads=...}) are kept. Also forbids DJL from downloading
 * libtorch (it comes in a jar).
 */
public final class Determinism {
    private Determinism() {
    }

    public static void configure() {
        setIfAbsent("ai.djl.pytorch.num_threads", "1");
        setIfAbsent("ai.djl.pytorch.num_interop_threads", "1");
        setIfAbsent("ai.djl.offline", "true");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
