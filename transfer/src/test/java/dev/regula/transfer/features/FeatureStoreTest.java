package dev.regula.transfer.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.regula.models.Hashing;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeatureStoreTest {
    @TempDir
    Path tmp;

    private static final List<String> LABELS = List.of("ham", "spam");

    static StoreKey key() {
        return new StoreKey("b".repeat(64), "d".repeat(64), Map.of("pooling", "mean", "maxLength", 128, "normalize", true,
                "nested", Map.of("z", 1, "a", List.of(1.5, 2))));
    }

    /** Random features with a few special values, labels 0/1. */
    static FeatureMatrix matrix(long seed, int rows, int dim) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[rows * dim];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        if (x.length > 3) {
            x[0] = -0.0f;
            x[1] = Float.MIN_VALUE;
            x[2] = Float.intBitsToFloat(0x7fc00001); // a NaN with a payload: must survive bit for bit
        }
        int[] y = new int[rows];
        for (int i = 0; i < rows; i++) {
            y[i] = r.nextInt(2);
        }
        return new FeatureMatrix(FloatBuffer.wrap(x), rows, dim, y);
    }

    static Map<String, FeatureMatrix> splits() {
        return Map.of("train", matrix(1, 70, 16), "val", matrix(2, 15, 16), "test", matrix(3, 15, 16));
    }

    private static void assertBitEqual(FeatureMatrix a, FeatureMatrix b) {
        assertThat(b.rows()).isEqualTo(a.rows());
        assertThat(b.dim()).isEqualTo(a.dim());
        float[] x = a.toArray();
        float[] y = b.toArray();
        for (int i = 0; i < x.length; i++) {
            assertThat(Float.floatToRawIntBits(y[i])).as("element %d", i).isEqualTo(Float.floatToRawIntBits(x[i]));
        }
        assertThat(b.labels()).containsExactly(a.labels());
    }

    @Test
    void roundTripIsBitExact() throws Exception {
        Path dir = tmp.resolve("features");
        Map<String, FeatureMatrix> in = splits();
        FeatureStore written = FeatureStore.write(dir, key(), LABELS, in);
        FeatureStore store = FeatureStore.open(dir);
        assertThat(store.splitNames()).containsExactly("test", "train", "val");
        for (String s : List.of("train", "val", "test")) {
            assertBitEqual(in.get(s), store.split(s));
            assertBitEqual(in.get(s), written.split(s));
        }
        assertThat(store.split("train").data().isReadOnly()).isTrue();
        assertThat(store.labels()).isEqualTo(LABELS);
        StoreManifest m = store.manifest();
        assertThat(m.formatVersion()).isEqualTo(FeatureStore.DENSE_FORMAT_VERSION);
        assertThat(m.key()).isEqualTo(key());
        assertThat(m.splits().get("train").rows()).isEqualTo(70);
        assertThat(m.splits().get("train").dim()).isEqualTo(16);
        assertThat(m.splits().get("train").features().file()).isEqualTo("train.f32");
        assertThat(m.splits().get("train").features().bytes()).isEqualTo(70L * 16 * 4);
        assertThat(m.splits().get("train").features().sha256()).isEqualTo(Hashing.sha256(dir.resolve("train.f32")));
        assertThat(m.splits().get("val").labels().sha256()).isEqualTo(Hashing.sha256(dir.resolve("val.labels.i32")));
        assertThat(m.writtenAt()).isNotBlank();
        store.verify();
        try (Stream<Path> s = Files.list(tmp)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("features");
        }
    }

    @Test
    void filesAreLittleEndianFloat32() throws Exception {
        Path dir = tmp.resolve("f");
        FeatureMatrix m = FeatureMatrix.of(new float[][] {{1.0f, -2.5f}, {3.0f, 0.25f}}, new int[] {1, 0});
        FeatureStore.write(dir, key(), LABELS, Map.of("train", m));
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(dir.resolve("train.f32"))).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(b.getFloat(0)).isEqualTo(1.0f);
        assertThat(b.getFloat(4)).isEqualTo(-2.5f);
        assertThat(b.getFloat(12)).isEqualTo(0.25f);
        assertThat(Files.readAllBytes(dir.resolve("train.labels.i32"))).containsExactly(1, 0, 0, 0, 0, 0, 0, 0);
        String json = Files.readString(dir.resolve(FeatureStore.MANIFEST));
        // Encoder config keys are written sorted, nested maps too.
        assertThat(json.indexOf("\"maxLength\"")).isLessThan(json.indexOf("\"nested\""));
        assertThat(json.indexOf("\"a\"")).isLessThan(json.indexOf("\"z\""));
    }

    @Test
    void contentHashIgnoresWriteTimeOnly() throws Exception {
        FeatureStore a = FeatureStore.write(tmp.resolve("a"), key(), LABELS, splits());
        Thread.sleep(5);
        FeatureStore b = FeatureStore.write(tmp.resolve("b"), key(), LABELS, splits());
        assertThat(a.manifest().contentHash()).isEqualTo(b.manifest().contentHash());
        Map<String, FeatureMatrix> other = new TreeMap<>(splits());
        other.put("val", matrix(99, 15, 16));
        FeatureStore c = FeatureStore.write(tmp.resolve("c"), key(), LABELS, other);
        assertThat(c.manifest().contentHash()).isNotEqualTo(a.manifest().contentHash());
        FeatureStore d = FeatureStore.write(tmp.resolve("d"), key(), List.of("spam", "ham"), splits());
        assertThat(d.manifest().contentHash()).isNotEqualTo(a.manifest().contentHash());
    }

    @Test
    void upToDateOnlyForTheSameKey() throws Exception {
        Path dir = tmp.resolve("features");
        assertThat(FeatureStore.isUpToDate(dir, key())).isFalse();
        FeatureStore.write(dir, key(), LABELS, splits());
        assertThat(FeatureStore.isUpToDate(dir, key())).isTrue();
        // The same config given as other map types and key order still matches.
        Map<String, Object> sameCfg = new TreeMap<>(Map.of("normalize", true, "maxLength", 128L, "pooling", "mean",
                "nested", new TreeMap<>(Map.of("a", List.of(1.5, 2), "z", 1))));
        assertThat(FeatureStore.isUpToDate(dir, new StoreKey(key().backboneSha256(), key().dataSha256(), sameCfg))).isTrue();
        assertThat(FeatureStore.isUpToDate(dir, new StoreKey("c".repeat(64), key().dataSha256(), key().encoderConfig()))).isFalse();
        assertThat(FeatureStore.isUpToDate(dir, new StoreKey(key().backboneSha256(), "e".repeat(64), key().encoderConfig()))).isFalse();
        Map<String, Object> cfg = new TreeMap<>(key().encoderConfig());
        cfg.put("maxLength", 256);
        assertThat(FeatureStore.isUpToDate(dir, new StoreKey(key().backboneSha256(), key().dataSha256(), cfg))).isFalse();
        cfg = new TreeMap<>(key().encoderConfig());
        cfg.put("extra", "x");
        assertThat(FeatureStore.isUpToDate(dir, new StoreKey(key().backboneSha256(), key().dataSha256(), cfg))).isFalse();
    }

    @Test
    void upToDateFalseForOtherFormatVersionOrWrongSize() throws Exception {
        Path dir = tmp.resolve("features");
        FeatureStore.write(dir, key(), LABELS, splits());
        Path manifest = dir.resolve(FeatureStore.MANIFEST);
        String json = Files.readString(manifest);
        Files.writeString(manifest, json.replace("\"formatVersion\" : 1", "\"formatVersion\" : 3"));
        assertThat(FeatureStore.isUpToDate(dir, key())).isFalse();
        assertThat(catchThrowableOfType(FeatureStoreException.class, () -> FeatureStore.open(dir)))
                .hasMessageContaining("store format version 3, this Regula reads versions 1 to 2");
        Files.writeString(manifest, json);
        assertThat(FeatureStore.isUpToDate(dir, key())).isTrue();
        truncate(dir.resolve("val.f32"), 8);
        assertThat(FeatureStore.isUpToDate(dir, key())).isFalse();
        Files.writeString(manifest, "{ not json");
        assertThat(FeatureStore.isUpToDate(dir, key())).isFalse();
    }

    private static void truncate(Path f, long by) throws IOException {
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() - by);
        }
    }

    @Test
    void truncatedMatrixIsDetectedOnOpen() throws Exception {
        Path dir = tmp.resolve("features");
        FeatureStore.write(dir, key(), LABELS, splits());
        truncate(dir.resolve("train.f32"), 4);
        FeatureStoreException e = catchThrowableOfType(FeatureStoreException.class, () -> FeatureStore.open(dir));
        assertThat(e.file()).isEqualTo(dir.resolve("train.f32"));
        assertThat(e).hasMessage(dir.resolve("train.f32") + ": truncated: 4476 bytes, expected 4480 (70 x 16 float32)");
    }

    @Test
    void changedFileIsCaughtByVerify() throws Exception {
        Path dir = tmp.resolve("features");
        FeatureStore.write(dir, key(), LABELS, splits());
        byte[] b = Files.readAllBytes(dir.resolve("test.f32"));
        b[100] ^= 1;
        Files.write(dir.resolve("test.f32"), b);
        FeatureStore s = FeatureStore.open(dir);
        assertThatThrownBy(s::verify).isInstanceOf(FeatureStoreException.class)
                .hasMessageStartingWith(dir.resolve("test.f32") + ": SHA-256 is ");
    }

    @Test
    void failedWriteLeavesNothingUnderTheName() throws Exception {
        Path dir = tmp.resolve("features");
        FeatureStoreException e = catchThrowableOfType(FeatureStoreException.class, () -> FeatureStore.write(dir, key(), LABELS,
                splits(), staging -> {
                    assertThat(staging.getFileName().toString()).startsWith(".features.tmp-");
                    assertThat(staging.resolve("train.f32")).exists();
                    assertThat(staging.resolve(FeatureStore.MANIFEST)).doesNotExist();
                    throw new IOException("disk full (simulated)");
                }));
        assertThat(e).hasMessageContaining("disk full (simulated)");
        assertThat(dir).doesNotExist();
        try (Stream<Path> s = Files.list(tmp)) {
            assertThat(s).isEmpty();
        }
    }

    @Test
    void failedReplaceKeepsTheOldStore() throws Exception {
        Path dir = tmp.resolve("features");
        FeatureStore.write(dir, key(), LABELS, splits());
        String before = FeatureStore.open(dir).manifest().contentHash();
        StoreKey newKey = new StoreKey("f".repeat(64), key().dataSha256(), key().encoderConfig());
        assertThatThrownBy(() -> FeatureStore.write(dir, newKey, LABELS, splits(), staging -> {
            throw new IOException("killed");
        })).isInstanceOf(FeatureStoreException.class);
        assertThat(FeatureStore.open(dir).manifest().contentHash()).isEqualTo(before);
        assertThat(FeatureStore.isUpToDate(dir, key())).isTrue();
        // A successful rewrite replaces it and leaves no staging or old folders behind.
        FeatureStore.write(dir, newKey, LABELS, splits());
        assertThat(FeatureStore.isUpToDate(dir, newKey)).isTrue();
        assertThat(FeatureStore.isUpToDate(dir, key())).isFalse();
        try (Stream<Path> s = Files.list(tmp)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("features");
        }
    }

    @Test
    void storeWithoutManifestIsNotAStore() throws Exception {
        // What a killed process leaves: payload files, no manifest (it is written last).
        Path dir = tmp.resolve("features");
        Files.createDirectories(dir);
        Files.write(dir.resolve("train.f32"), new byte[64]);
        assertThat(FeatureStore.isUpToDate(dir, key())).isFalse();
        assertThat(catchThrowableOfType(FeatureStoreException.class, () -> FeatureStore.open(dir)))
                .hasMessage(dir.resolve("manifest.json") + ": no manifest: " + dir + " is not a feature store, or its write did not finish");
        // Such leftovers may be replaced by a full write.
        FeatureStore.write(dir, key(), LABELS, splits());
        assertThat(FeatureStore.isUpToDate(dir, key())).isTrue();
    }

    @Test
    void refusesToReplaceAFolderOfOtherFiles() throws Exception {
        Path dir = tmp.resolve("mine");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("notes.txt"), "precious");
        assertThat(catchThrowableOfType(FeatureStoreException.class, () -> FeatureStore.write(dir, key(), LABELS, splits())))
                .hasMessageContaining("holds files that are not part of a feature store [notes.txt]");
        assertThat(dir.resolve("notes.txt")).hasContent("precious");
    }

    @Test
    void badManifestsNameTheKey() throws Exception {
        Path dir = tmp.resolve("features");
        FeatureStore.write(dir, key(), LABELS, splits());
        Path manifest = dir.resolve(FeatureStore.MANIFEST);
        String json = Files.readString(manifest);
        Files.writeString(manifest, json.replace("\"dim\"", "\"dims\""));
        assertThat(catchThrowableOfType(FeatureStoreException.class, () -> FeatureStore.open(dir)))
                .hasMessage(manifest + ": missing non-negative integer 'splits.test.dim'");
        Files.writeString(manifest, json.replace("\"train.f32\"", "\"../x.f32\""));
        assertThat(catchThrowableOfType(FeatureStoreException.class, () -> FeatureStore.open(dir)))
                .hasMessage(manifest + ": file name '../x.f32' points outside the store");
        Files.writeString(manifest, "[]");
        assertThat(catchThrowableOfType(FeatureStoreException.class, () -> FeatureStore.open(dir)))
                .hasMessage(manifest + ": expected a JSON object");
    }

    @Test
    void rejectsBadInput() {
        Path dir = tmp.resolve("x");
        assertThatThrownBy(() -> FeatureStore.write(dir, key(), LABELS, Map.of("tr/ain", matrix(1, 2, 3))))
                .hasMessageContaining("split name 'tr/ain'");
        assertThatThrownBy(() -> FeatureStore.write(dir, key(), LABELS, Map.of("a", matrix(1, 2, 3), "b", matrix(1, 2, 4))))
                .hasMessageContaining("split 'b' has dim 4, split 'a' has 3");
        assertThatThrownBy(() -> FeatureStore.write(dir, key(), List.of("only"), Map.of("a", matrix(1, 20, 3))))
                .hasMessageContaining("has label index 1, expected 0..0");
        assertThat(dir).doesNotExist();
    }

    @Test
    void reopenedStoreCanBeRewrittenFromItsOwnMappedData() throws Exception {
        Path dir = tmp.resolve("features");
        FeatureStore.write(dir, key(), LABELS, splits());
        FeatureStore s = FeatureStore.open(dir);
        Map<String, FeatureMatrix> copy = Map.of("train", s.split("train"), "val", s.split("val"), "test", s.split("test"));
        FeatureStore t = FeatureStore.write(tmp.resolve("copy"), key(), LABELS, copy);
        assertThat(t.manifest().contentHash()).isEqualTo(s.manifest().contentHash());
        assertThatThrownBy(() -> s.split("dev")).hasMessageContaining("no split 'dev'").hasMessageContaining("[test, train, val]");
    }
}
