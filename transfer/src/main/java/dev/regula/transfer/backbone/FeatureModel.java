package dev.regula.transfer.backbone;

import dev.regula.models.AtomicFiles;
import dev.regula.models.Hashing;
import dev.regula.models.onnx.ModelProto;
import dev.regula.models.onnx.StringStringEntryProto;
import dev.regula.transfer.encode.ModelInput;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A self-contained ONNX feature model: the backbone (cut at the feature tensor) with pooling and
 * optional L2 normalisation appended, one output {@value #OUTPUT} float {@code [B, d]}, and its
 * provenance in {@code metadata_props}. The serialized bytes are kept as built so that later stages
 * and the export reuse them byte for byte.
 */
public final class FeatureModel {
    /** Name of the single output. */
    public static final String OUTPUT = "features";

    public static final String KEY_BACKBONE_SHA256 = "regula.backbone.sha256";
    public static final String KEY_BACKBONE_SOURCE = "regula.backbone.source";
    public static final String KEY_TENSOR = "regula.feature.tensor";
    public static final String KEY_POOLING = "regula.pooling";
    public static final String KEY_L2 = "regula.l2_normalize";
    public static final String KEY_DIM = "regula.feature.dim";
    public static final String KEY_MASK_INPUT = "regula.feature.mask_input";

    private final byte[] bytes;
    private final String sha256;
    private final FeatureSpec spec;
    private final int dim;
    private final String backboneSha256;
    private final String backboneSource;
    private final List<ModelInput> inputs;

    private FeatureModel(byte[] bytes, ModelProto proto) throws BackboneException {
        this.bytes = bytes;
        this.sha256 = Hashing.sha256(bytes);
        Map<String, String> meta = new HashMap<>();
        for (StringStringEntryProto e : proto.getMetadataPropsList()) {
            meta.put(e.getKey(), e.getValue());
        }
        try {
            this.spec = new FeatureSpec(need(meta, KEY_TENSOR), Pooling.parse(need(meta, KEY_POOLING)),
                    Boolean.parseBoolean(need(meta, KEY_L2)), meta.get(KEY_MASK_INPUT));
            this.dim = Integer.parseInt(need(meta, KEY_DIM));
        } catch (IllegalArgumentException e) {
            throw new BackboneException(null, "not a Regula feature model: " + e.getMessage(), e);
        }
        this.backboneSha256 = need(meta, KEY_BACKBONE_SHA256);
        this.backboneSource = need(meta, KEY_BACKBONE_SOURCE);
        this.inputs = ModelInput.of(proto);
        if (proto.getGraph().getOutputCount() != 1 || !OUTPUT.equals(proto.getGraph().getOutput(0).getName())) {
            throw new BackboneException(null, "not a Regula feature model: expected exactly one output '" + OUTPUT + "'");
        }
    }

    private static String need(Map<String, String> meta, String key) {
        String v = meta.get(key);
        if (v == null) {
            throw new IllegalArgumentException("metadata_props has no " + key);
        }
        return v;
    }

    /** Wraps serialized feature-model bytes (as built by {@link FeatureModelBuilder} or read from a file). */
    public static FeatureModel fromBytes(byte[] bytes) throws BackboneException {
        Objects.requireNonNull(bytes, "bytes");
        try {
            return new FeatureModel(bytes.clone(), ModelProto.parseFrom(bytes));
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new BackboneException(null, "not an ONNX model: " + e.getMessage(), e);
        }
    }

    /** Reads a feature model saved by {@link #save}. */
    public static FeatureModel load(Path file) throws BackboneException {
        try {
            return fromBytes(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new BackboneException(null, "cannot read feature model " + file + ": " + e.getMessage(), e);
        } catch (BackboneException e) {
            throw new BackboneException(null, file + ": " + e.getMessage(), e);
        }
    }

    /** Writes the bytes to {@code file} atomically ({@link AtomicFiles}). */
    public void save(Path file) throws IOException {
        AtomicFiles.write(file, bytes);
    }

    /** A copy of the serialized model. */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** The parsed model (a fresh parse of {@link #bytes()}). */
    public ModelProto proto() {
        try {
            return ModelProto.parseFrom(bytes);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new IllegalStateException("bytes were parsed when this object was made", e);
        }
    }

    /** SHA-256 of the serialized feature model. */
    public String sha256() {
        return sha256;
    }

    public FeatureSpec spec() {
        return spec;
    }

    /** Feature dimension {@code d}. */
    public int dim() {
        return dim;
    }

    public String backboneSha256() {
        return backboneSha256;
    }

    public String backboneSource() {
        return backboneSource;
    }

    /** The inputs an encoder must feed. */
    public List<ModelInput> inputs() {
        return inputs;
    }

    /** Size of the serialized model in bytes. */
    public int size() {
        return bytes.length;
    }
}
