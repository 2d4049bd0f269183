package dev.regula.models;

import com.google.protobuf.UnsafeByteOperations;
import dev.regula.models.onnx.ModelProto;
import dev.regula.models.onnx.StringStringEntryProto;
import dev.regula.models.onnx.TensorProto;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Tensors whose bytes live in a side file ({@code data_location = EXTERNAL}). The
 * {@code location} entry is attacker-controlled text inside the model, so every reference is
 * confined to the model's folder: no absolute paths, no {@code ..} climbing out, no symlinks
 * that lead out, and no offset/length past the end of the side file.
 */
public final class ExternalData {
    private ExternalData() {
    }

    /** A checked reference: {@code length} bytes at {@code offset} of {@code file}. */
    public record Ref(String location, Path file, long offset, long length) {
    }

    /** True when the tensor's data is stored outside the model file. */
    public static boolean isExternal(TensorProto t) {
        return t.hasDataLocation() && t.getDataLocation() == TensorProto.DataLocation.EXTERNAL;
    }

    /** True when any tensor of the model (initializers, attributes, subgraphs) is external. */
    public static boolean any(ModelProto model) {
        boolean[] found = {false};
        try {
            TensorWalker.forEach(model, (t, label) -> found[0] |= isExternal(t));
        } catch (OnnxModelException e) {
            throw new AssertionError("the visitor throws nothing", e);
        }
        return found[0];
    }

    /**
     * Checks every external reference of the model against {@code baseDir} and returns the
     * total bytes they reference.
     *
     * @param modelFile named in errors
     */
    static long validate(ModelProto model, Path modelFile, Path baseDir, ReadOptions options)
            throws OnnxModelException {
        realFolder(modelFile, baseDir);
        long[] total = {0};
        TensorWalker.forEach(model, (t, label) -> {
            if (isExternal(t)) {
                Ref ref = resolve(t, label, modelFile, baseDir);
                total[0] += ref.length();
                if (total[0] > options.maxExternalBytes()) {
                    throw new OnnxModelException(modelFile, "external data totals more than the limit of "
                            + options.maxExternalBytes() + " bytes (ReadOptions.maxExternalBytes), reached at tensor '"
                            + label + "'");
                }
            }
        });
        return total[0];
    }

    /**
     * A copy of the model where every external tensor carries its bytes in {@code raw_data}.
     *
     * @param baseDir folder the locations are relative to; null for a model not read from a file
     * @param origin  the model file (named in errors), or null
     * @param source  named in errors when there is no file
     */
    static ModelProto inline(ModelProto model, Path baseDir, Path origin, String source)
            throws OnnxModelException {
        if (!any(model)) {
            return model;
        }
        if (baseDir == null) {
            throw new OnnxModelException(source, "the model references external data but was not read from a"
                    + " file, so there is no folder to resolve the locations against", null);
        }
        Path modelFile = origin == null ? baseDir : origin;
        realFolder(modelFile, baseDir);
        long total = validate(model, modelFile, baseDir, new ReadOptions(Long.MAX_VALUE, Long.MAX_VALUE));
        if (total + model.getSerializedSize() > ReadOptions.PROTOBUF_LIMIT) {
            throw new OnnxModelException(modelFile, "inlining " + total + " bytes of external data would make the"
                    + " model larger than protobuf's 2 GiB limit; keep the data external");
        }
        return TensorWalker.rewrite(model, (t, label) -> {
            if (!isExternal(t)) {
                return t;
            }
            Ref ref = resolve(t, label, modelFile, baseDir);
            byte[] bytes = readRange(ref, label, modelFile);
            return t.toBuilder().clearExternalData().clearDataLocation()
                    .setRawData(UnsafeByteOperations.unsafeWrap(bytes)).build();
        });
    }

    private static Path realFolder(Path modelFile, Path baseDir) throws OnnxModelException {
        try {
            return baseDir.toRealPath();
        } catch (IOException e) {
            throw new OnnxModelException(modelFile, "cannot resolve the model's folder " + baseDir
                    + " to look up external data: " + e.getMessage(), e);
        }
    }

    static Ref resolve(TensorProto t, String label, Path modelFile, Path baseDir)
            throws ExternalDataException {
        String location = null;
        String offsetText = null;
        String lengthText = null;
        for (StringStringEntryProto e : t.getExternalDataList()) {
            switch (e.getKey()) {
                case "location" -> location = e.getValue();
                case "offset" -> offsetText = e.getValue();
                case "length" -> lengthText = e.getValue();
                default -> { } // "checksum" and future keys do not affect where the bytes are
            }
        }
        if (location == null || location.isEmpty()) {
            throw new ExternalDataException(modelFile, label, location,
                    "no 'location' entry; an external tensor must name its data file");
        }
        Path real;
        try {
            real = ConfinedPath.resolve(baseDir, location);
        } catch (ConfinedPath.RefusedException e) {
            throw new ExternalDataException(modelFile, label, location, e.reason());
        }
        if (!Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
            throw new ExternalDataException(modelFile, label, location, real + " is not a regular file");
        }
        long size;
        try {
            size = Files.size(real);
        } catch (IOException e) {
            throw new ExternalDataException(modelFile, label, location, "cannot read the size of " + real + ": " + e);
        }
        long offset = number(offsetText, "offset", 0, modelFile, label, location);
        long length = number(lengthText, "length", Math.max(0, size - offset), modelFile, label, location);
        if (offset > size || length > size - offset) {
            throw new ExternalDataException(modelFile, label, location, "offset " + offset + " + length " + length
                    + " runs past the end of the data file (" + size + " bytes)");
        }
        long elements = DataTypes.elementCount(t);
        long expected = elements < 0 ? -1 : DataTypes.rawBytes(t.getDataType(), elements);
        if (expected >= 0 && expected != length) {
            throw new ExternalDataException(modelFile, label, location, "length " + length + " bytes does not match dims "
                    + t.getDimsList() + " of type " + DataTypes.name(t.getDataType()) + ", which need " + expected);
        }
        if (length > ReadOptions.PROTOBUF_LIMIT) {
            throw new ExternalDataException(modelFile, label, location, "a single tensor of " + length
                    + " bytes exceeds 2 GiB, which Regula cannot hold in one array");
        }
        return new Ref(location, real, offset, length);
    }

    private static long number(String text, String key, long dflt, Path modelFile, String label, String location)
            throws ExternalDataException {
        if (text == null) {
            return dflt;
        }
        try {
            long v = Long.parseLong(text.trim());
            if (v < 0) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new ExternalDataException(modelFile, label, location,
                    "'" + key + "' is '" + text + "'; expected a non-negative integer");
        }
    }

    private static byte[] readRange(Ref ref, String label, Path modelFile) throws ExternalDataException {
        byte[] bytes = new byte[(int) ref.length()];
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        try (FileChannel ch = FileChannel.open(ref.file(), StandardOpenOption.READ)) {
            long pos = ref.offset();
            while (buf.hasRemaining()) {
                int n = ch.read(buf, pos);
                if (n < 0) {
                    throw new ExternalDataException(modelFile, label, ref.location(),
                            "the data file ended early (it shrank after the model was read)");
                }
                pos += n;
            }
        } catch (IOException e) {
            throw new ExternalDataException(modelFile.toString(), label, ref.location(),
                    "cannot read " + ref.file() + ": " + e, e);
        }
        return bytes;
    }
}
