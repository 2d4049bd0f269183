package dev.regula.transfer.regularize;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * A dropout applied to the activations entering a dense layer. Every implementation is the
 * identity at inference ({@code training == false}) and keeps the expected value of its input
 * in training.
 */
public interface DropoutLayer {
    /** Applies the dropout; new arrays are created by {@code x}'s manager. */
    NDArray apply(NDArray x, boolean training, NoiseSource noise);

    /** The current drop rate (learned ones change during training). */
    double rate();

    /** Trainable arrays this dropout owns (empty unless the rate is learned). */
    default List<NDArray> parameters() {
        return List.of();
    }

    /** The identity, used where a site has no dropout. */
    DropoutLayer NONE = new DropoutLayer() {
        @Override
        public NDArray apply(NDArray x, boolean training, NoiseSource noise) {
            return x;
        }

        @Override
        public double rate() {
            return 0;
        }
    };
}
