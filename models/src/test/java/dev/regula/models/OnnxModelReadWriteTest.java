package dev.regula.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import dev.regula.models.onnx.GraphProto;
import dev.regula.models.onnx.ModelProto;
import dev.regula.models.onnx.NodeProto;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxModelReadWriteTest {
    @TempDir
    Path dir;

    @Test
    void writesAndReadsBackTheSameModel() throws Exception {
        OnnxModel model = OnnxModel.of(TinyModels.add());
        Path file = dir.resolve("tiny.onnx");
        model.write(file);

        OnnxModel back = OnnxModel.read(file);
        assertThat(back.proto()).isEqualTo(model.proto());
        assertThat(Files.readAllBytes(file)).isEqualTo(model.toBytes());
        assertThat(back.baseDir()).isEqualTo(dir.toAbsolutePath().normalize());
        assertThat(back.source()).isEqualTo(file.toString());
        assertThat(OnnxModel.of(model.proto()).baseDir()).isNull();
        assertThat(onlyFile()).isEqualTo(file);
    }

    @Test
    void writeReplacesAnExistingFile() throws Exception {
        Path file = dir.resolve("m.onnx");
        Files.writeString(file, "old content");
        OnnxModel.of(TinyModels.add()).write(file);
        assertThat(OnnxModel.read(file).proto()).isEqualTo(TinyModels.add());
        assertThat(onlyFile()).isEqualTo(file);
    }

    @Test
    void unknownFieldsSurviveReadAndWrite() throws Exception {
        UnknownFieldSet extra = UnknownFieldSet.newBuilder()
                .addField(5000, UnknownFieldSet.Field.newBuilder().addVarint(42)
                        .addLengthDelimited(ByteString.copyFromUtf8("future")).build())
                .build();
        ModelProto base = TinyModels.add();
        NodeProto node = base.getGraph().getNode(0).toBuilder().setUnknownFields(extra).build();
        GraphProto graph = base.getGraph().toBuilder().setNode(0, node).setUnknownFields(extra).build();
        ModelProto withUnknown = base.toBuilder().setGraph(graph).setUnknownFields(extra).build();
        assertThat(withUnknown.toByteArray()).isNotEqualTo(base.toByteArray());

        Path file = dir.resolve("unknown.onnx");
        OnnxModel.of(withUnknown).write(file);
        byte[] written = Files.readAllBytes(file);
        OnnxModel back = OnnxModel.read(file);

        assertThat(back.proto()).isEqualTo(withUnknown);
        assertThat(back.proto().getUnknownFields().hasField(5000)).isTrue();
        assertThat(back.proto().getGraph().getUnknownFields().hasField(5000)).isTrue();
        assertThat(back.proto().getGraph().getNode(0).getUnknownFields().getField(5000).getVarintList())
                .containsExactly(42L);
        Path again = dir.resolve("again.onnx");
        back.write(again);
        assertThat(Files.readAllBytes(again)).isEqualTo(written);
    }

    @Test
    void parseNamesTheSourceInErrors() throws Exception {
        OnnxModel m = OnnxModel.parse(TinyModels.add().toByteArray(), "jar:/tiny.onnx");
        assertThat(m.proto()).isEqualTo(TinyModels.add());
        assertThat(m.baseDir()).isNull();
        assertThatThrownBy(() -> OnnxModel.parse(new byte[] {1, 2, 3}, "jar:/broken.onnx"))
                .isInstanceOf(OnnxModelException.class)
                .hasMessageStartingWith("jar:/broken.onnx: not a valid ONNX ModelProto")
                .satisfies(e -> assertThat(((OnnxModelException) e).source()).isEqualTo("jar:/broken.onnx"));
    }

    @Test
    void readsAStreamWithinTheLimit() throws Exception {
        byte[] bytes = TinyModels.add().toByteArray();
        OnnxModel m = OnnxModel.read(new java.io.ByteArrayInputStream(bytes), "jar:/tiny.onnx",
                ReadOptions.defaults().withMaxFileBytes(bytes.length));
        assertThat(m.proto()).isEqualTo(TinyModels.add());
        assertThatThrownBy(() -> OnnxModel.read(new java.io.ByteArrayInputStream(bytes), "jar:/tiny.onnx",
                ReadOptions.defaults().withMaxFileBytes(bytes.length - 1)))
                .isInstanceOf(OnnxModelException.class)
                .hasMessage("jar:/tiny.onnx: the model is over the limit of " + (bytes.length - 1)
                        + " bytes (ReadOptions.maxFileBytes)");
    }

    @Test
    void refusesFilesThatAreNotOnnx() throws Exception {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R',
                0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1f, 0x15, (byte) 0xc4, (byte) 0x89};
        byte[] text = "ir_version: 8\ngraph { name: \"not binary\" }\n".getBytes(StandardCharsets.UTF_8);
        byte[] full = TinyModels.add().toByteArray();
        byte[] truncated = Arrays.copyOf(full, full.length - 7);
        assertNotOnnx("image.png", png);
        assertNotOnnx("notes.txt", text);
        assertNotOnnx("empty.onnx", new byte[0]);
        assertNotOnnx("truncated.onnx", truncated);
        Random rnd = new Random(20261125L);
        for (int i = 0; i < 50; i++) {
            byte[] noise = new byte[1 + rnd.nextInt(4096)];
            rnd.nextBytes(noise);
            assertNotOnnx("noise" + i + ".bin", noise);
        }
    }

    @Test
    void refusesProtobufThatDecodesButIsNotAModel() throws Exception {
        // Field 1 = 8 is a valid ModelProto with an ir_version but nothing else.
        assertNotOnnx("no-graph.onnx", new byte[] {0x08, 0x08});
        // A graph but no ir_version.
        assertNotOnnx("no-ir.onnx", TinyModels.add().toBuilder().clearIrVersion().build().toByteArray());
        assertNotOnnx("no-opset.onnx", TinyModels.add().toBuilder().clearOpsetImport().build().toByteArray());
    }

    private void assertNotOnnx(String name, byte[] bytes) throws IOException {
        Path file = dir.resolve(name);
        Files.write(file, bytes);
        assertThatThrownBy(() -> OnnxModel.read(file))
                .as("%s (%d bytes)", name, bytes.length)
                .isInstanceOf(OnnxModelException.class)
                .hasMessageStartingWith(file + ": not a valid ONNX ModelProto")
                .hasMessageNotContaining("com.google.protobuf")
                .hasMessageNotContaining("\tat ")
                .satisfies(e -> assertThat(((OnnxModelException) e).file()).isEqualTo(file));
    }

    @Test
    void refusesAFileOverTheConfiguredLimit() throws Exception {
        Path file = dir.resolve("tiny.onnx");
        OnnxModel.of(TinyModels.add()).write(file);
        long size = Files.size(file);
        assertThatThrownBy(() -> OnnxModel.read(file, ReadOptions.defaults().withMaxFileBytes(size - 1)))
                .isInstanceOf(OnnxModelException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("the file is " + size + " bytes, over the limit of " + (size - 1))
                .hasMessageContaining("maxFileBytes");
        assertThat(OnnxModel.read(file, ReadOptions.defaults().withMaxFileBytes(size)).proto())
                .isEqualTo(TinyModels.add());
    }

    @Test
    void refusesASingleFileOverTwoGibWithAHintAboutExternalData() throws Exception {
        Path file = dir.resolve("huge.onnx");
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength((1L << 31) + 10); // sparse: takes no disk space
        }
        assertThatThrownBy(() -> OnnxModel.read(file))
                .isInstanceOf(OnnxModelException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("2 GiB")
                .hasMessageContaining("external data");
    }

    @Test
    void refusesMissingFilesAndFolders() {
        Path missing = dir.resolve("missing.onnx");
        assertThatThrownBy(() -> OnnxModel.read(missing))
                .isInstanceOf(OnnxModelException.class).hasMessage(missing + ": no such file; expected an ONNX model file");
        assertThatThrownBy(() -> OnnxModel.read(dir))
                .isInstanceOf(OnnxModelException.class).hasMessageContaining("is a folder");
        Path device = Path.of("/dev/null");
        if (Files.exists(device)) {
            assertThatThrownBy(() -> OnnxModel.read(device)).hasMessageContaining("is not a regular file");
        }
    }

    @Test
    void failedWriteWhenTheParentIsAFileLeavesNothing() throws Exception {
        Path notAFolder = dir.resolve("plain.txt");
        Files.writeString(notAFolder, "x");
        Path target = notAFolder.resolve("m.onnx");
        assertThatThrownBy(() -> OnnxModel.of(TinyModels.add()).write(target))
                .isInstanceOf(OnnxModelException.class)
                .hasMessageStartingWith(target + ": cannot write the model");
        assertThat(onlyFile()).isEqualTo(notAFolder);
        assertThat(Files.readString(notAFolder)).isEqualTo("x");
    }

    @Test
    void failedRenameOntoAFolderRemovesTheTemporaryFile() throws Exception {
        Path target = dir.resolve("taken.onnx");
        Files.createDirectory(target);
        Files.writeString(target.resolve("keep"), "x");
        assertThatThrownBy(() -> OnnxModel.of(TinyModels.add()).write(target))
                .isInstanceOf(OnnxModelException.class).hasMessageContaining("cannot write the model");
        try (Stream<Path> s = Files.list(dir)) {
            assertThat(s).containsExactly(target);
        }
        assertThat(Files.isDirectory(target)).isTrue();
    }

    @Test
    void failedWriteIntoAReadOnlyFolderLeavesNothing() throws Exception {
        Path ro = Files.createDirectory(dir.resolve("ro"));
        Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            Path probe = ro.resolve("probe");
            boolean enforced;
            try {
                Files.createFile(probe);
                Files.delete(probe);
                enforced = false;
            } catch (IOException e) {
                enforced = true;
            }
            assumeTrue(enforced, "permissions are not enforced for this user (root)");
            Path target = ro.resolve("m.onnx");
            assertThatThrownBy(() -> OnnxModel.of(TinyModels.add()).write(target))
                    .isInstanceOf(OnnxModelException.class).hasMessageContaining("cannot write the model");
            try (Stream<Path> s = Files.list(ro)) {
                assertThat(s).isEmpty();
            }
        } finally {
            Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    private Path onlyFile() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.reduce((a, b) -> {
                throw new AssertionError("expected one file in " + dir + ", found " + a + " and " + b);
            }).orElseThrow();
        }
    }
}
