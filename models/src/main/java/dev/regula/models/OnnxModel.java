package dev.regula.models;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.regula.models.onnx.ModelProto;
import dev.regula.models.onnx.StringStringEntryProto;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * An ONNX model held as data. Immutable: every change returns a new instance.
 *
 * <p>A model read from a file remembers that file's folder ({@link #baseDir()}), against which
 * the locations of external-data tensors are resolved. Fields this project's {@code onnx.proto}
 * does not declare are kept by protobuf as unknown fields and written back unchanged.
 */
public final class OnnxModel {
    private final ModelProto proto;
    private final Path baseDir;
    private final Path file;
    private final String source;

    private OnnxModel(ModelProto proto, Path baseDir, Path file, String source) {
        this.proto = Objects.requireNonNull(proto, "proto");
        this.baseDir = baseDir;
        this.file = file;
        this.source = source;
    }

    /** Wraps a model built in memory (by the graph builder or surgery); it has no folder. */
    public static OnnxModel of(ModelProto proto) {
        return new OnnxModel(proto, null, null, null);
    }

    /** Reads a model file with {@link ReadOptions#defaults()}. */
    public static OnnxModel read(Path file) throws OnnxModelException {
        return read(file, ReadOptions.defaults());
    }

    /**
     * Reads and sanity-checks a model file, and checks every external-data reference (it must
     * stay inside the file's folder and within the referenced file's size). External bytes are
     * not loaded; see {@link #inlineExternalData()}.
     *
     * @throws OnnxModelException naming the file when it is missing, over a limit, not an ONNX
     *                            model, or references external data unsafely
     */
    public static OnnxModel read(Path file, ReadOptions options) throws OnnxModelException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(options, "options");
        long size;
        try {
            BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class);
            if (attrs.isDirectory()) {
                throw new OnnxModelException(file, "is a folder; expected an ONNX model file");
            }
            if (!attrs.isRegularFile()) {
                throw new OnnxModelException(file, "is not a regular file; expected an ONNX model file");
            }
            size = attrs.size();
        } catch (NoSuchFileException e) {
            throw new OnnxModelException(file, "no such file; expected an ONNX model file", e);
        } catch (IOException e) {
            throw new OnnxModelException(file, "cannot read: " + e, e);
        }
        if (size > options.maxFileBytes()) {
            throw new OnnxModelException(file, "the file is " + size + " bytes, over the limit of "
                    + options.maxFileBytes() + " bytes (ReadOptions.maxFileBytes)");
        }
        // Java arrays stop a few bytes short of Integer.MAX_VALUE, so the last 8 bytes count as over too.
        if (size > ReadOptions.PROTOBUF_LIMIT - 8) {
            throw new OnnxModelException(file, tooLargeForProtobuf(size));
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes((int) size + 1);
        } catch (IOException e) {
            throw new OnnxModelException(file, "cannot read: " + e, e);
        }
        if (bytes.length > size) {
            throw new OnnxModelException(file, "the file grew while it was being read; expected a file at rest");
        }
        Path baseDir = file.toAbsolutePath().normalize().getParent();
        OnnxModel model = new OnnxModel(parseChecked(bytes, file, file.toString()), baseDir, file, file.toString());
        ExternalData.validate(model.proto, file, baseDir, options);
        return model;
    }

    /**
     * Parses a serialized model held in memory (a jar resource, a download).
     *
     * @param sourceName names the bytes in error messages, e.g. {@code "jar:/all-minilm-l6-v2.onnx"}
     */
    public static OnnxModel parse(byte[] bytes, String sourceName) throws OnnxModelException {
        Objects.requireNonNull(bytes, "bytes");
        return new OnnxModel(parseChecked(bytes, null, sourceName), null, null, sourceName);
    }

    /**
     * Reads a serialized model from a stream (a jar resource, a download), refusing more than
     * {@code options.maxFileBytes()} bytes. The stream is read to its end and not closed.
     *
     * @param sourceName names the bytes in error messages
     */
    public static OnnxModel read(InputStream in, String sourceName, ReadOptions options) throws OnnxModelException {
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(options, "options");
        long cap = Math.min(options.maxFileBytes(), ReadOptions.PROTOBUF_LIMIT - 8);
        byte[] bytes;
        try {
            bytes = in.readNBytes((int) cap);
            if (in.read() >= 0) {
                throw new OnnxModelException(sourceName, cap == options.maxFileBytes()
                        ? "the model is over the limit of " + cap + " bytes (ReadOptions.maxFileBytes)"
                        : tooLargeForProtobuf(cap + 1), null);
            }
        } catch (IOException e) {
            throw new OnnxModelException(sourceName, "cannot read: " + e, e);
        }
        return parse(bytes, sourceName);
    }

    private static ModelProto parseChecked(byte[] bytes, Path file, String source) throws OnnxModelException {
        if (bytes.length == 0) {
            throw invalid(file, source, "the input is empty", null);
        }
        ModelProto proto;
        try {
            proto = ModelProto.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw invalid(file, source, "the protobuf encoding is truncated or corrupt (" + bytes.length
                    + " bytes)", e);
        }
        // Protobuf happily decodes many byte strings that were never ONNX, so look for what every
        // real model has.
        if (!proto.hasIrVersion() || proto.getIrVersion() <= 0 || proto.getIrVersion() > 1000) {
            throw invalid(file, source, "ir_version is " + (proto.hasIrVersion() ? proto.getIrVersion() : "missing")
                    + "; expected a positive IR version", null);
        }
        if (!proto.hasGraph()) {
            throw invalid(file, source, "it has no graph", null);
        }
        if (proto.getIrVersion() >= 3 && proto.getOpsetImportCount() == 0) {
            throw invalid(file, source, "it has no opset_import, which IR version " + proto.getIrVersion()
                    + " requires (a truncated file often loses it)", null);
        }
        return proto;
    }

    private static OnnxModelException invalid(Path file, String source, String why, Throwable cause) {
        String msg = "not a valid ONNX ModelProto: " + why;
        return file != null ? new OnnxModelException(file, msg, cause) : new OnnxModelException(source, msg, cause);
    }

    private static String tooLargeForProtobuf(long size) {
        return "the model is " + size + " bytes, over protobuf's 2 GiB limit for a single file; models this"
                + " large must keep their weights in external data files";
    }

    /** The same model data with a different proto, keeping the folder that external data resolves against. */
    public OnnxModel withProto(ModelProto newProto) {
        return new OnnxModel(newProto, baseDir, file, source);
    }

    public ModelProto proto() {
        return proto;
    }

    /** The folder the model was read from (absolute), or {@code null} for a model built or parsed in memory. */
    public Path baseDir() {
        return baseDir;
    }

    /** The file or source name the model came from, for messages; {@code null} for one built in memory. */
    public String source() {
        return source;
    }

    /** True when some tensor keeps its bytes in a side file. */
    public boolean hasExternalData() {
        return ExternalData.any(proto);
    }

    /**
     * A copy in which every external tensor holds its bytes in {@code raw_data}: what ONNX Runtime
     * gets as bytes and what surgery works on. Returns this model when nothing is external.
     *
     * @throws OnnxModelException when a reference is unsafe or unreadable, the model has no
     *                            folder, or the result would pass protobuf's 2 GiB limit
     */
    public OnnxModel inlineExternalData() throws OnnxModelException {
        ModelProto inlined = ExternalData.inline(proto, baseDir, file, source);
        return inlined == proto ? this : new OnnxModel(inlined, baseDir, file, source);
    }

    /** The serialized model. */
    public byte[] toBytes() throws OnnxModelException {
        checkedSize(null);
        return proto.toByteArray();
    }

    /**
     * Writes the model atomically: the file under {@code target} is either the complete new model
     * or whatever was there before, and no temporary file remains after a failure. A model with
     * external data may only be written into the folder it was read from (its locations are
     * relative); elsewhere, call {@link #inlineExternalData()} first.
     */
    public void write(Path target) throws OnnxModelException {
        Objects.requireNonNull(target, "target");
        int size = checkedSize(target);
        if (hasExternalData()) {
            Path dir = target.toAbsolutePath().normalize().getParent();
            if (baseDir == null || !sameFolder(dir, baseDir)) {
                throw new OnnxModelException(target, "the model references external data relative to "
                        + (baseDir == null ? "no folder" : baseDir) + "; writing it to another folder would break those"
                        + " references, call inlineExternalData() first");
            }
        }
        try {
            AtomicFiles.write(target, out -> {
                CodedOutputStream cos = CodedOutputStream.newInstance(out, Math.min(size, 1 << 16) + 1);
                proto.writeTo(cos);
                cos.flush();
            });
        } catch (IOException e) {
            throw new OnnxModelException(target, "cannot write the model: " + e, e);
        }
    }

    private static boolean sameFolder(Path a, Path b) {
        try {
            return a.toRealPath().equals(b.toRealPath());
        } catch (IOException e) {
            return a.equals(b);
        }
    }

    /** The serialized size, refusing a model protobuf cannot write as one message. */
    private int checkedSize(Path target) throws OnnxModelException {
        // getSerializedSize() sums in an int and wraps past 2 GiB, so bound it by a long sum first.
        long[] tensorBytes = {0};
        TensorWalker.forEach(proto, (t, label) -> tensorBytes[0] += DataTypes.inlineBytes(t));
        int size = tensorBytes[0] > ReadOptions.PROTOBUF_LIMIT ? -1 : proto.getSerializedSize();
        if (size < 0) {
            String msg = tooLargeForProtobuf(Math.max(tensorBytes[0], ReadOptions.PROTOBUF_LIMIT + 1));
            throw target != null ? new OnnxModelException(target, msg) : new OnnxModelException(source, msg, null);
        }
        return size;
    }

    /**
     * Operators that quantize an activation with a scale computed at run time over the whole tensor:
     * ONNX's {@code DynamicQuantizeLinear}, and ONNX Runtime's fused {@code com.microsoft} forms.
     */
    static final java.util.Set<String> DYNAMIC_QUANTIZATION_OPS =
            java.util.Set.of("DynamicQuantizeLinear", "DynamicQuantizeMatMul", "DynamicQuantizeLSTM");

    /**
     * Whether the main graph quantizes an activation dynamically ({@link #DYNAMIC_QUANTIZATION_OPS},
     * as int8 exports do). The scale covers the whole tensor, so in a batch of several examples each
     * example's outputs depend on the others: such models are run one example per call.
     */
    public boolean quantizesDynamically() {
        return quantizesDynamically(proto);
    }

    /** {@link #quantizesDynamically()} of a bare proto. */
    public static boolean quantizesDynamically(ModelProto proto) {
        return proto.getGraph().getNodeList().stream().anyMatch(n -> DYNAMIC_QUANTIZATION_OPS.contains(n.getOpType()));
    }

    /**
     * Examples per run that give each example the outputs it gets alone, as the exported model
     * serves one request: 1 for a model that {@linkplain #quantizesDynamically() quantizes
     * dynamically} (one scale per tensor, so batch mates would shift each other's outputs), else
     * {@code preferred}. The one place this rule is written: feature extraction, parity, validate
     * and predict all ask here.
     */
    public int independentBatch(int preferred) {
        return independentBatch(proto, preferred);
    }

    /** {@link #independentBatch(int)} of a bare proto. */
    public static int independentBatch(ModelProto proto, int preferred) {
        if (preferred < 1) {
            throw new IllegalArgumentException("preferred batch must be >= 1, got " + preferred);
        }
        return quantizesDynamically(proto) ? 1 : preferred;
    }

    /** Summary of inputs, outputs, opsets, weights and metadata. */
    public ModelInfo inspect() {
        return ModelInspector.inspect(proto);
    }

    /** The {@code metadata_props} in file order; a key repeated in the file keeps its last value. */
    public Map<String, String> metadata() {
        Map<String, String> m = new LinkedHashMap<>();
        for (StringStringEntryProto e : proto.getMetadataPropsList()) {
            m.put(e.getKey(), e.getValue());
        }
        return Collections.unmodifiableMap(m);
    }

    /**
     * A copy whose metadata has {@code entries} added: an existing key keeps its position and gets
     * the new value, new keys follow in the map's order, other keys are kept.
     */
    public OnnxModel withMetadata(Map<String, String> entries) {
        Objects.requireNonNull(entries, "entries");
        Map<String, String> merged = new LinkedHashMap<>(metadata());
        entries.forEach((k, v) -> {
            if (k == null || k.isEmpty()) {
                throw new IllegalArgumentException("metadata key must be a non-empty string, got " + (k == null ? "null" : "''"));
            }
            if (v == null) {
                throw new IllegalArgumentException("metadata value for key '" + k + "' is null; expected a string");
            }
            merged.put(k, v);
        });
        ModelProto.Builder b = proto.toBuilder().clearMetadataProps();
        merged.forEach((k, v) -> b.addMetadataProps(StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
        return new OnnxModel(b.build(), baseDir, file, source);
    }

    @Override
    public String toString() {
        return "OnnxModel[" + (source == null ? "in memory" : source) + ", ir_version " + proto.getIrVersion() + "]";
    }
}
