package dev.regula.transfer.finetune;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.regula.models.OnnxModel;
import dev.regula.models.Surgery;
import dev.regula.models.runtime.OrtRunner;
import dev.regula.models.runtime.RunnerException;
import dev.regula.models.runtime.RunnerOptions;
import dev.regula.models.runtime.Tensor;
import dev.regula.models.runtime.TensorSpec;
import dev.regula.transfer.encode.TextEncoder;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The hidden states of a backbone at an unfreeze cut, computed once per example: only the real
 * tokens of each example are kept ({@code [length_i, dim]}, row-major), in fp16 or fp32. Padded
 * positions need not be stored: the layers above mask them out of attention (their bias is -1e4,
 * whose softmax weight is exactly 0 in float32) and pooling ignores them, so a batch re-padded
 * with zeros to its own longest example gives the same outputs at the real tokens.
 */
public final class HiddenStateCache implements CutBatches {
    /** How the values are stored. */
    public enum Precision {
        FP16(DataType.FLOAT16, 2), FP32(DataType.FLOAT32, 4);

        final DataType type;
        final int bytes;

        Precision(DataType type, int bytes) {
            this.type = type;
            this.bytes = bytes;
        }
    }

    private static final int MAGIC = 0x52474843; // "RGHC"
    private static final int VERSION = 1;

    private final int dim;
    private final Precision precision;
    private final int[] lengths;
    private final long[] offsets;
    private final ByteBuffer data;

    private HiddenStateCache(int dim, Precision precision, int[] lengths, ByteBuffer data) {
        this.dim = dim;
        this.precision = precision;
        this.lengths = lengths;
        this.offsets = new long[lengths.length + 1];
        for (int i = 0; i < lengths.length; i++) {
            offsets[i + 1] = offsets[i] + (long) lengths[i] * dim * precision.bytes;
        }
        if (offsets[lengths.length] != data.limit()) {
            throw new IllegalArgumentException("hidden-state data holds " + data.limit() + " bytes, the lengths need "
                    + offsets[lengths.length]);
        }
        this.data = data.order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * Runs {@code backbone} up to {@code cut} on ONNX Runtime (the graph above the cut is dropped)
     * and keeps each example's real-token rows.
     *
     * @param tokens    one entry per example, unpadded, as {@link TextEncoder} encodes them
     * @param batchSize examples per ONNX Runtime run (each batch padded to its longest example)
     * @param scratch   a manager for the fp16 conversion; nothing is left in it
     */
    public static HiddenStateCache extract(OnnxModel backbone, String cut, List<TextEncoder.Tokens> tokens, int batchSize,
                                           Precision precision, NDManager scratch) throws InterpreterException {
        Objects.requireNonNull(precision, "precision");
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize is " + batchSize + ", expected >= 1");
        }
        int n = tokens.size();
        int[] lengths = new int[n];
        long totalTokens = 0;
        for (int i = 0; i < n; i++) {
            lengths[i] = tokens.get(i).length();
            totalTokens += lengths[i];
        }
        OnnxModel below;
        try {
            below = Surgery.cut(backbone, cut);
        } catch (IllegalArgumentException e) {
            throw new InterpreterException(e.getMessage());
        }
        try (OrtRunner runner = OrtRunner.open(below, RunnerOptions.defaults())) {
            ByteBuffer data = null;
            int dim = -1;
            long pos = 0;
            for (int start = 0; start < n; start += batchSize) {
                List<TextEncoder.Tokens> batch = tokens.subList(start, Math.min(n, start + batchSize));
                Tensor hidden = runner.run(feed(batch, runner.inputs())).get(cut);
                if (hidden == null || hidden.rank() != 3) {
                    throw new InterpreterException("cut tensor '" + cut + "' is " + (hidden == null ? "missing" : "of rank " + hidden.rank())
                            + ", expected hidden states [batch, tokens, dim]");
                }
                if (data == null) {
                    dim = Math.toIntExact(hidden.dim(2));
                    long bytes = totalTokens * dim * precision.bytes;
                    if (bytes > Integer.MAX_VALUE - 8) {
                        throw new InterpreterException("the hidden states at '" + cut + "' need " + bytes + " bytes, over the"
                                + " 2 GiB one cache holds; use fp16, fewer tokens (max_length) or a higher cut");
                    }
                    data = ByteBuffer.allocate((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
                }
                float[] values = hidden.floats();
                int width = Math.toIntExact(hidden.dim(1));
                for (int r = 0; r < batch.size(); r++) {
                    int len = batch.get(r).length();
                    float[] rows = new float[len * dim];
                    System.arraycopy(values, r * width * dim, rows, 0, len * dim);
                    data.position((int) pos);
                    data.put(encode(rows, precision, scratch));
                    pos += (long) len * dim * precision.bytes;
                }
            }
            if (data == null) {
                throw new InterpreterException("no examples to cache hidden states for");
            }
            data.position(0);
            return new HiddenStateCache(dim, precision, lengths, data);
        } catch (RunnerException e) {
            throw new InterpreterException("ONNX Runtime failed computing the hidden states at '" + cut + "': " + e.getMessage(),
                    null, null, -1, e);
        }
    }

    private static Map<String, Tensor> feed(List<TextEncoder.Tokens> batch, List<TensorSpec> inputs) throws InterpreterException {
        int b = batch.size();
        int len = batch.stream().mapToInt(TextEncoder.Tokens::length).max().orElse(1);
        Map<String, Tensor> out = new HashMap<>();
        for (TensorSpec in : inputs) {
            long[] v = new long[b * len];
            for (int r = 0; r < b; r++) {
                TextEncoder.Tokens t = batch.get(r);
                long[] src = switch (in.name()) {
                    case TextEncoder.INPUT_IDS -> t.ids();
                    case TextEncoder.ATTENTION_MASK -> t.mask();
                    case TextEncoder.TOKEN_TYPE_IDS -> t.typeIds();
                    default -> throw new InterpreterException("the backbone below the cut reads input '" + in.name()
                            + "', expected only " + List.of(TextEncoder.INPUT_IDS, TextEncoder.ATTENTION_MASK, TextEncoder.TOKEN_TYPE_IDS));
                };
                System.arraycopy(src, 0, v, r * len, src.length);
            }
            out.put(in.name(), Tensor.ofLongs(v, b, len));
        }
        return out;
    }

    private static ByteBuffer encode(float[] rows, Precision precision, NDManager scratch) {
        if (precision == Precision.FP32) {
            ByteBuffer b = ByteBuffer.allocate(rows.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(rows);
            return b;
        }
        // libtorch rounds to nearest even, as IEEE 754 wants; Java 17 has no float16 conversion.
        try (NDManager m = scratch.newSubManager()) {
            return ByteBuffer.wrap(m.create(rows).toType(DataType.FLOAT16, false).toByteArray());
        }
    }

    /** Number of examples. */
    @Override
    public int size() {
        return lengths.length;
    }

    /** Width of a hidden state. */
    public int dim() {
        return dim;
    }

    public Precision precision() {
        return precision;
    }

    /** Real tokens of example {@code i}. */
    public int length(int i) {
        return lengths[i];
    }

    /** Bytes of hidden-state data (the file adds a header and 4 bytes per example). */
    public long bytes() {
        return offsets[lengths.length];
    }

    /**
     * Examples {@code rows}, padded with zeros to the longest of them: hidden states as float32
     * {@code [B, L, dim]} and the attention mask as int64 {@code [B, L]}, in {@code manager}.
     */
    @Override
    public NDList batch(NDManager manager, int[] rows) {
        int len = 1;
        for (int r : rows) {
            len = Math.max(len, lengths[r]);
        }
        int rowBytes = len * dim * precision.bytes;
        ByteBuffer padded = ByteBuffer.allocateDirect(rows.length * rowBytes).order(ByteOrder.nativeOrder());
        long[] mask = new long[rows.length * len];
        for (int k = 0; k < rows.length; k++) {
            int r = rows[k];
            ByteBuffer src = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
            src.position((int) offsets[r]).limit((int) offsets[r + 1]);
            padded.position(k * rowBytes);
            padded.put(src);
            for (int t = 0; t < lengths[r]; t++) {
                mask[k * len + t] = 1;
            }
        }
        padded.rewind();
        NDArray hidden = manager.create(padded, new Shape(rows.length, len, dim), precision.type);
        if (precision != Precision.FP32) {
            hidden = hidden.toType(DataType.FLOAT32, false);
        }
        return new NDList(hidden, manager.create(mask, new Shape(rows.length, len)));
    }

    /** Writes the cache to {@code file}: a header (magic, version, precision, dim, count), the lengths, the data. */
    public void write(Path file) throws IOException {
        try (OutputStream raw = Files.newOutputStream(file); DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(raw))) {
            out.writeInt(MAGIC);
            out.writeInt(VERSION);
            out.writeInt(precision.ordinal());
            out.writeInt(dim);
            out.writeInt(lengths.length);
            for (int l : lengths) {
                out.writeInt(l);
            }
            out.flush();
            ByteBuffer d = data.duplicate();
            d.position(0);
            byte[] chunk = new byte[1 << 16];
            while (d.hasRemaining()) {
                int k = Math.min(chunk.length, d.remaining());
                d.get(chunk, 0, k);
                out.write(chunk, 0, k);
            }
        }
    }

    /**
     * Reads a cache written by {@link #write}; the data is memory-mapped, not copied.
     *
     * @throws IOException naming the file when it is not such a cache or is truncated
     */
    public static HiddenStateCache read(Path file) throws IOException {
        int precision;
        int dim;
        int[] lengths;
        long header;
        try (InputStream raw = Files.newInputStream(file); DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(raw))) {
            int magic = in.readInt();
            if (magic != MAGIC) {
                throw new IOException(file + ": not a hidden-state cache (magic " + Integer.toHexString(magic) + ", expected "
                        + Integer.toHexString(MAGIC) + ")");
            }
            int version = in.readInt();
            if (version != VERSION) {
                throw new IOException(file + ": hidden-state cache version " + version + ", expected " + VERSION);
            }
            precision = in.readInt();
            dim = in.readInt();
            int n = in.readInt();
            if (precision < 0 || precision >= Precision.values().length || dim < 1 || n < 0) {
                throw new IOException(file + ": corrupt header (precision " + precision + ", dim " + dim + ", count " + n + ")");
            }
            lengths = new int[n];
            for (int i = 0; i < n; i++) {
                lengths[i] = in.readInt();
            }
            header = 20L + 4L * n;
        } catch (java.io.EOFException e) {
            throw new IOException(file + ": truncated hidden-state cache header", e);
        }
        long size = Files.size(file);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer data = ch.map(FileChannel.MapMode.READ_ONLY, header, size - header);
            try {
                return new HiddenStateCache(dim, Precision.values()[precision], lengths, data);
            } catch (IllegalArgumentException e) {
                throw new IOException(file + ": " + e.getMessage(), e);
            }
        }
    }
}
