package dev.regula.transfer.regularize;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;

/**
 * Seeded noise for dropout masks, drawn on the Java side so a run's randomness depends on its
 * seed alone (not on the engine's process-wide generator, which other runs may share).
 */
public final class NoiseSource {
    private final SplittableRandom rng;

    public NoiseSource(long seed) {
        this.rng = new SplittableRandom(seed);
    }

    /** Uniform samples in [0, 1) of the given shape, created by {@code manager}. */
    public NDArray uniform(NDManager manager, Shape shape) {
        return manager.create(uniformValues(Math.toIntExact(shape.size())), shape);
    }

    /** {@code n} uniform samples in [0, 1) as Java floats, drawn exactly as {@link #uniform} draws them. */
    public float[] uniformValues(int n) {
        float[] u = new float[n];
        for (int i = 0; i < u.length; i++) {
            u[i] = (float) rng.nextDouble();
        }
        return u;
    }

    /** Standard normal samples of the given shape (Box-Muller), created by {@code manager}. */
    public NDArray normal(NDManager manager, Shape shape) {
        return manager.create(normalValues(Math.toIntExact(shape.size())), shape);
    }

    /** {@code count} standard normal samples as Java floats, drawn exactly as {@link #normal} draws them. */
    public float[] normalValues(int count) {
        float[] n = new float[count];
        for (int i = 0; i < n.length; i += 2) {
            double u1 = 1.0 - rng.nextDouble();
            double u2 = rng.nextDouble();
            double r = Math.sqrt(-2.0 * Math.log(u1));
            n[i] = (float) (r * Math.cos(2 * Math.PI * u2));
            if (i + 1 < n.length) {
                n[i + 1] = (float) (r * Math.sin(2 * Math.PI * u2));
            }
        }
        return n;
    }

    /** One uniform draw in [0, 1), for Java-side weight initialisation. */
    public double nextUniform() {
        return rng.nextDouble();
    }

    /** One standard normal draw, for Java-side weight initialisation. */
    public double nextGaussian() {
        double u1 = 1.0 - rng.nextDouble();
        double u2 = rng.nextDouble();
        return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
}
