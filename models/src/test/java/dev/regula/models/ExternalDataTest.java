package dev.regula.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.regula.models.onnx.AttributeProto;
import dev.regula.models.onnx.ModelProto;
import dev.regula.models.onnx.NodeProto;
import dev.regula.models.onnx.StringStringEntryProto;
import dev.regula.models.onnx.TensorProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExternalDataTest {
    @TempDir
    Path root;

    /** The tiny Add model with b = {1, 2, 3} stored at {@code offset} of {@code location}. */
    private static ModelProto externalB(String location, String offset, String length) {
        TensorProto.Builder b = TensorProto.newBuilder().setName("b").setDataType(TensorProto.DataType.FLOAT_VALUE)
                .addDims(3).setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(entry("location", location));
        if (offset != null) {
            b.addExternalData(entry("offset", offset));
        }
        if (length != null) {
            b.addExternalData(entry("length", length));
        }
        ModelProto m = TinyModels.add();
        return m.toBuilder().setGraph(m.getGraph().toBuilder().setInitializer(0, b)).build();
    }

    private static StringStringEntryProto entry(String k, String v) {
        return StringStringEntryProto.newBuilder().setKey(k).setValue(v).build();
    }

    /** 16 junk bytes, then 1f, 2f, 3f little-endian. */
    private static byte[] sideFile() {
        ByteBuffer buf = ByteBuffer.allocate(28).order(ByteOrder.LITTLE_ENDIAN);
        buf.put(new byte[16]).putFloat(1).putFloat(2).putFloat(3);
        return buf.array();
    }

    private Path modelDir() throws Exception {
        Path d = Files.createDirectories(root.resolve("model"));
        Files.write(d.resolve("weights.bin"), sideFile());
        return d;
    }

    private static Path writeRaw(Path file, ModelProto m) throws Exception {
        Files.write(file, m.toByteArray());
        return file;
    }

    @Test
    void validExternalTensorLoadsAndInlines() throws Exception {
        Path d = modelDir();
        Path file = writeRaw(d.resolve("m.onnx"), externalB("weights.bin", "16", "12"));
        OnnxModel model = OnnxModel.read(file);
        assertThat(model.hasExternalData()).isTrue();
        assertThat(model.inspect().initializerBytes()).isEqualTo(12);

        OnnxModel inlined = model.inlineExternalData();
        assertThat(inlined.hasExternalData()).isFalse();
        TensorProto b = inlined.proto().getGraph().getInitializer(0);
        assertThat(b.getExternalDataCount()).isZero();
        assertThat(b).isEqualTo(TinyModels.floats("b", new float[] {1, 2, 3}, 3));
        assertThat(Checker.problems(inlined.proto())).isEmpty();

        // Inlined, the model can go anywhere.
        Path elsewhere = Files.createDirectories(root.resolve("out")).resolve("m.onnx");
        inlined.write(elsewhere);
        assertThat(OnnxModel.read(elsewhere).proto()).isEqualTo(inlined.proto());
    }

    @Test
    void subfoldersAndDefaultOffsetAndLengthWork() throws Exception {
        Path d = modelDir();
        Files.createDirectories(d.resolve("data"));
        byte[] exact = java.util.Arrays.copyOfRange(sideFile(), 16, 28);
        Files.write(d.resolve("data/b.bin"), exact);
        Path file = writeRaw(d.resolve("m.onnx"), externalB("data/./b.bin", null, null));
        assertThat(OnnxModel.read(file).inlineExternalData().proto().getGraph().getInitializer(0).getRawData().size())
                .isEqualTo(12);
    }

    @Test
    void externalTensorInsideAConstantNodeIsFoundToo() throws Exception {
        Path d = modelDir();
        TensorProto ext = externalB("../escape.bin", null, null).getGraph().getInitializer(0).toBuilder().setName("").build();
        ModelProto m = TinyModels.add();
        NodeProto constant = NodeProto.newBuilder().setName("c").setOpType("Constant").addOutput("k")
                .addAttribute(AttributeProto.newBuilder().setName("value").setType(AttributeProto.AttributeType.TENSOR)
                        .setT(ext)).build();
        m = m.toBuilder().setGraph(m.getGraph().toBuilder().addNode(0, constant)).build();
        Path file = writeRaw(d.resolve("m.onnx"), m);
        assertThatThrownBy(() -> OnnxModel.read(file))
                .isInstanceOf(ExternalDataException.class)
                .hasMessageContaining("node 'c' (Constant) attribute 'value'")
                .hasMessageContaining("leaves the model's folder");
    }

    @Test
    void refusesAbsoluteLocations() throws Exception {
        Path d = modelDir();
        String abs = d.resolve("weights.bin").toAbsolutePath().toString();
        Path file = writeRaw(d.resolve("m.onnx"), externalB(abs, "16", "12"));
        assertThatThrownBy(() -> OnnxModel.read(file))
                .isInstanceOf(ExternalDataException.class)
                .hasMessageStartingWith(file + ": external data of tensor 'b' (location '" + abs + "')")
                .hasMessageContaining("absolute locations are refused")
                .satisfies(e -> {
                    ExternalDataException x = (ExternalDataException) e;
                    assertThat(x.tensor()).isEqualTo("b");
                    assertThat(x.location()).isEqualTo(abs);
                    assertThat(x.file()).isEqualTo(file);
                });
        Path win = writeRaw(d.resolve("w.onnx"), externalB("C:\\weights.bin", null, null));
        assertThatThrownBy(() -> OnnxModel.read(win)).hasMessageContaining("absolute locations are refused");
    }

    @Test
    void refusesDotDotEscapes() throws Exception {
        Path d = modelDir();
        Files.write(root.resolve("outside.bin"), sideFile());
        Path file = writeRaw(d.resolve("m.onnx"), externalB("../outside.bin", "16", "12"));
        assertThatThrownBy(() -> OnnxModel.read(file))
                .isInstanceOf(ExternalDataException.class)
                .hasMessageContaining("tensor 'b' (location '../outside.bin')")
                .hasMessageContaining("leaves the model's folder");
        Path sneaky = writeRaw(d.resolve("s.onnx"), externalB("sub/../../outside.bin", "16", "12"));
        assertThatThrownBy(() -> OnnxModel.read(sneaky)).hasMessageContaining("leaves the model's folder");
    }

    @Test
    void refusesSymlinksLeadingOutside() throws Exception {
        Path d = modelDir();
        Path outside = Files.write(root.resolve("outside.bin"), sideFile());
        Files.createSymbolicLink(d.resolve("link.bin"), outside);
        Path file = writeRaw(d.resolve("m.onnx"), externalB("link.bin", "16", "12"));
        assertThatThrownBy(() -> OnnxModel.read(file))
                .isInstanceOf(ExternalDataException.class)
                .hasMessageContaining("tensor 'b' (location 'link.bin')")
                .hasMessageContaining("symbolic link");

        Path outDir = Files.createDirectories(root.resolve("elsewhere"));
        Files.write(outDir.resolve("w.bin"), sideFile());
        Files.createSymbolicLink(d.resolve("linkdir"), outDir);
        Path viaDir = writeRaw(d.resolve("d.onnx"), externalB("linkdir/w.bin", "16", "12"));
        assertThatThrownBy(() -> OnnxModel.read(viaDir)).hasMessageContaining("symbolic link");

        // A link that stays inside the folder is fine.
        Files.createSymbolicLink(d.resolve("inside.bin"), d.resolve("weights.bin"));
        Path ok = writeRaw(d.resolve("ok.onnx"), externalB("inside.bin", "16", "12"));
        assertThat(OnnxModel.read(ok).inlineExternalData().hasExternalData()).isFalse();
    }

    @Test
    void refusesRangesPastTheEndAndBadNumbers() throws Exception {
        Path d = modelDir();
        Path past = writeRaw(d.resolve("p.onnx"), externalB("weights.bin", "20", "12"));
        assertThatThrownBy(() -> OnnxModel.read(past))
                .isInstanceOf(ExternalDataException.class)
                .hasMessageContaining("offset 20 + length 12 runs past the end of the data file (28 bytes)");
        Path farOffset = writeRaw(d.resolve("f.onnx"), externalB("weights.bin", "1000", null));
        assertThatThrownBy(() -> OnnxModel.read(farOffset)).hasMessageContaining("runs past the end");
        Path wrongLength = writeRaw(d.resolve("l.onnx"), externalB("weights.bin", "0", "8"));
        assertThatThrownBy(() -> OnnxModel.read(wrongLength)).hasMessageContaining("length 8 bytes does not match dims [3]");
        Path negative = writeRaw(d.resolve("n.onnx"), externalB("weights.bin", "-4", "12"));
        assertThatThrownBy(() -> OnnxModel.read(negative)).hasMessageContaining("'offset' is '-4'");
        Path missing = writeRaw(d.resolve("m.onnx"), externalB("nope.bin", null, null));
        assertThatThrownBy(() -> OnnxModel.read(missing)).hasMessageContaining("does not exist");
        Path noLocation = writeRaw(d.resolve("x.onnx"), externalB("", null, null));
        assertThatThrownBy(() -> OnnxModel.read(noLocation)).hasMessageContaining("no 'location' entry");
    }

    @Test
    void externalByteLimitIsEnforced() throws Exception {
        Path d = modelDir();
        Path file = writeRaw(d.resolve("m.onnx"), externalB("weights.bin", "16", "12"));
        assertThatThrownBy(() -> OnnxModel.read(file, ReadOptions.defaults().withMaxExternalBytes(11)))
                .isInstanceOf(OnnxModelException.class).hasMessageContaining("maxExternalBytes");
        assertThat(OnnxModel.read(file, ReadOptions.defaults().withMaxExternalBytes(12)).hasExternalData()).isTrue();
    }

    @Test
    void externalModelMayOnlyBeWrittenBesideItsData() throws Exception {
        Path d = modelDir();
        Path file = writeRaw(d.resolve("m.onnx"), externalB("weights.bin", "16", "12"));
        OnnxModel model = OnnxModel.read(file).withMetadata(java.util.Map.of("k", "v"));
        Path beside = d.resolve("m2.onnx");
        model.write(beside);
        assertThat(OnnxModel.read(beside).inlineExternalData().proto().getGraph().getInitializer(0).getRawData().size())
                .isEqualTo(12);
        Path away = Files.createDirectories(root.resolve("away")).resolve("m.onnx");
        assertThatThrownBy(() -> model.write(away)).hasMessageContaining("call inlineExternalData() first");
        assertThat(Files.exists(away)).isFalse();
    }

    @Test
    void inMemoryModelCannotInlineExternalData() throws Exception {
        OnnxModel parsed = OnnxModel.parse(externalB("weights.bin", null, null).toByteArray(), "upload");
        assertThatThrownBy(parsed::inlineExternalData)
                .isInstanceOf(OnnxModelException.class)
                .hasMessageStartingWith("upload: the model references external data but was not read from a file");
    }
}
