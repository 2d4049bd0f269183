package dev.regula.models;

/**
 * Limits applied when reading a model file.
 *
 * @param maxFileBytes     largest model file accepted, in bytes; a single protobuf file can never
 *                         exceed {@link #PROTOBUF_LIMIT} whatever this says, larger models must
 *                         keep their weights in external data files
 * @param maxExternalBytes largest total of bytes that external-data tensors may reference
 */
public record ReadOptions(long maxFileBytes, long maxExternalBytes) {
    /** Protobuf's hard limit on one serialized message: 2 GiB minus one byte. */
    public static final long PROTOBUF_LIMIT = Integer.MAX_VALUE;

    private static final long GIB = 1L << 30;

    public ReadOptions {
        if (maxFileBytes <= 0) {
            throw new IllegalArgumentException("maxFileBytes must be > 0, got " + maxFileBytes);
        }
        if (maxExternalBytes < 0) {
            throw new IllegalArgumentException("maxExternalBytes must be >= 0, got " + maxExternalBytes);
        }
    }

    /** 4 GiB per model file (so the 2 GiB protobuf limit is what refuses), 64 GiB of external data. */
    public static ReadOptions defaults() {
        return new ReadOptions(4 * GIB, 64 * GIB);
    }

    public ReadOptions withMaxFileBytes(long bytes) {
        return new ReadOptions(bytes, maxExternalBytes);
    }

    public ReadOptions withMaxExternalBytes(long bytes) {
        return new ReadOptions(maxFileBytes, bytes);
    }
}
