package dev.regula.transfer.regularize;

/**
 * A dropout whose training-time noise is a multiplicative mask drawn on the Java side. A stack of
 * heads builds one mask array from each head's own draws, so heads may differ in kind and rate at
 * one site and each consumes its noise stream exactly as it would alone.
 */
public interface MaskDropout extends DropoutLayer {
    /** {@code n} mask factors, drawn from {@code noise} in the order {@link #apply} draws them. */
    float[] maskValues(int n, NoiseSource noise);
}
