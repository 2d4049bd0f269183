package dev.regula.transfer.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sparse block of a feature store: lexical-only and hybrid {@code [dense | sparse]} matrices round trip bit for
 * bit, the layout rule picks sparse for a large block and dense for a small one, stores written before the sparse
 * block (format version 1) still open, and damaged sparse files are named.
 */
class SparseStoreTest {
    @TempDir
    Path tmp;

    private static final List<String> LABELS = List.of("ham", "spam");

    /** {@code rows x cols} with about {@code perRow} positive non-zeros a row (TF-IDF-like), some rows empty. */
    static SparseRows tfidfLike(long seed, int rows, int cols, int perRow) {
        SplittableRandom r = new SplittableRandom(seed);
        SparseRows.Builder b = new SparseRows.Builder(cols);
        float[] row = new float[cols];
        for (int i = 0; i < rows; i++) {
            java.util.Arrays.fill(row, 0f);
            int n = i % 7 == 3 ? 0 : 1 + r.nextInt(perRow * 2);
            for (int k = 0; k < n; k++) {
                row[r.nextInt(cols)] = (float) r.nextDouble(1e-3, 1);
            }
            b.addDense(row);
        }
        return b.build();
    }

    static int[] labels(long seed, int rows) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] y = new int[rows];
        for (int i = 0; i < rows; i++) {
            y[i] = r.nextInt(2);
        }
        return y;
    }

    static FeatureMatrix hybrid(long seed, int rows, int denseDim, int cols) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] d = new float[rows * denseDim];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) r.nextGaussian();
        }
        return FeatureMatrix.withSparse(FloatBuffer.wrap(d), denseDim, tfidfLike(seed + 1, rows, cols, 20), labels(seed + 2, rows));
    }

    private static void assertSameRows(FeatureMatrix a, FeatureMatrix b) {
        assertThat(b.rows()).isEqualTo(a.rows());
        assertThat(b.dim()).isEqualTo(a.dim());
        assertThat(b.labels()).containsExactly(a.labels());
        for (int i = 0; i < a.rows(); i++) {
            float[] x = a.row(i);
            float[] y = b.row(i);
            for (int c = 0; c < x.length; c++) {
                if (Float.floatToRawIntBits(x[c]) != Float.floatToRawIntBits(y[c])) {
                    throw new AssertionError("row " + i + " column " + c + ": " + x[c] + " vs " + y[c]);
                }
            }
        }
    }

    @Test
    void aLargeLexicalBlockIsStoredSparseAndReadsBackBitForBit() throws Exception {
        // 700 rows x 20,000 columns = 56 MB dense over the splits; about 20 non-zeros a row.
        Map<String, FeatureMatrix> in = new LinkedHashMap<>();
        in.put("train", FeatureMatrix.withSparse(null, 0, tfidfLike(1, 500, 20_000, 20), labels(2, 500)));
        in.put("val", FeatureMatrix.withSparse(null, 0, tfidfLike(3, 100, 20_000, 20), labels(4, 100)));
        in.put("test", FeatureMatrix.withSparse(null, 0, tfidfLike(5, 100, 20_000, 20), labels(6, 100)));
        assertThat(FeatureStore.keepsSparse(in.values())).isTrue();
        Path dir = tmp.resolve("lexical");
        FeatureStore.write(dir, FeatureStoreTest.key(), LABELS, in);
        FeatureStore store = FeatureStore.open(dir);
        assertThat(store.manifest().formatVersion()).isEqualTo(FeatureStore.FORMAT_VERSION);
        for (String s : List.of("train", "val", "test")) {
            FeatureMatrix m = store.split(s);
            assertThat(m.hasSparse()).isTrue();
            assertThat(m.denseDim()).isZero();
            assertThat(m.sparse().nnz()).isEqualTo(in.get(s).sparse().nnz());
            assertSameRows(in.get(s), m);
            assertThat(Files.size(dir.resolve(s + ".f32"))).isZero();
        }
        long disk = 0;
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                disk += Files.size(p);
            }
        }
        assertThat(disk).as("bytes on disk").isLessThan(700L * 20_000 * 4 / 20);
        store.verify();
        assertThat(FeatureStore.isUpToDate(dir, FeatureStoreTest.key())).isTrue();
        // The same write gives the same content hash (the layout is a function of the data).
        Path again = tmp.resolve("again");
        FeatureStore.write(again, FeatureStoreTest.key(), LABELS, in);
        assertThat(FeatureStore.open(again).manifest().contentHash()).isEqualTo(store.manifest().contentHash());
    }

    @Test
    void aHybridStoreKeepsItsDenseBlockMappedAndItsLexicalBlockSparse() throws Exception {
        Map<String, FeatureMatrix> in = Map.of("train", hybrid(10, 400, 16, 20_000), "val", hybrid(20, 200, 16, 20_000),
                "test", hybrid(30, 100, 16, 20_000));
        Path dir = tmp.resolve("hybrid");
        FeatureStore.write(dir, FeatureStoreTest.key(), LABELS, in);
        FeatureStore store = FeatureStore.open(dir);
        StoreManifest.SplitEntry e = store.manifest().splits().get("train");
        assertThat(e.dim()).isEqualTo(20_016);
        assertThat(e.sparse().cols()).isEqualTo(20_000);
        assertThat(e.denseDim()).isEqualTo(16);
        for (String s : List.of("train", "val", "test")) {
            assertSameRows(in.get(s), store.split(s));
        }
        assertThat(store.split("train").denseBlock().isReadOnly()).as("dense block memory-mapped").isTrue();
        // Every reader that wants one dense matrix still gets it.
        FeatureMatrix val = store.split("val");
        float[] all = new float[val.rows() * val.dim()];
        val.data().duplicate().position(0).get(all);
        assertThat(java.util.Arrays.copyOfRange(all, 5 * val.dim(), 6 * val.dim())).containsExactly(in.get("val").row(5));
    }

    @Test
    void aSmallSparseBlockIsStoredDenseAsAVersionOneStore() throws Exception {
        Map<String, FeatureMatrix> in = Map.of("train", hybrid(1, 60, 4, 300), "val", hybrid(2, 20, 4, 300));
        assertThat(FeatureStore.keepsSparse(in.values())).isFalse();
        Path dir = tmp.resolve("small");
        FeatureStore.write(dir, FeatureStoreTest.key(), LABELS, in);
        FeatureStore store = FeatureStore.open(dir);
        assertThat(store.manifest().formatVersion()).isEqualTo(FeatureStore.DENSE_FORMAT_VERSION);
        assertThat(new String(Files.readAllBytes(dir.resolve(FeatureStore.MANIFEST)), StandardCharsets.UTF_8)).doesNotContain("sparse");
        assertThat(store.split("train").hasSparse()).isFalse();
        assertSameRows(in.get("train"), store.split("train"));
        assertSameRows(in.get("val"), store.split("val"));
    }

    @Test
    void aDenseCsrIsStoredDenseEvenWhenLarge() {
        // About 40% non-zeros: CSR (8 bytes each) is more than half the dense bytes, so dense wins.
        Map<String, FeatureMatrix> in = Map.of("train", FeatureMatrix.withSparse(null, 0, tfidfLike(1, 400, 20_000, 10_000),
                labels(2, 400)));
        assertThat(in.get("train").sparse().denseBytes()).isGreaterThan(FeatureStore.SPARSE_MIN_DENSE_BYTES);
        assertThat(FeatureStore.keepsSparse(in.values())).isFalse();
    }

    /** A store exactly as Regula wrote it before the sparse block existed (format version 1, no "sparse" keys). */
    @Test
    void aVersionOneStoreWrittenBeforeTheSparseBlockStillOpens() throws Exception {
        Path dir = tmp.resolve("old");
        Files.createDirectories(dir);
        float[] x = {1f, -2f, 0.5f, 3f, 0f, -0f};
        java.nio.ByteBuffer fb = java.nio.ByteBuffer.allocate(x.length * 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        fb.asFloatBuffer().put(x);
        Files.write(dir.resolve("train.f32"), fb.array());
        java.nio.ByteBuffer lb = java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        lb.asIntBuffer().put(new int[] {1, 0});
        Files.write(dir.resolve("train.labels.i32"), lb.array());
        String manifest = "{\"backboneSha256\":\"" + "b".repeat(64) + "\",\"dataSha256\":\"" + "d".repeat(64) + "\","
                + "\"encoderConfig\":{\"pooling\":\"mean\"},\"format\":\"regula-feature-store\",\"formatVersion\":1,"
                + "\"labels\":[\"ham\",\"spam\"],\"splits\":{\"train\":{\"dim\":3,"
                + "\"features\":{\"bytes\":24,\"file\":\"train.f32\",\"sha256\":\"" + dev.regula.models.Hashing.sha256(fb.array()) + "\"},"
                + "\"labels\":{\"bytes\":8,\"file\":\"train.labels.i32\",\"sha256\":\"" + dev.regula.models.Hashing.sha256(lb.array()) + "\"},"
                + "\"rows\":2}},\"writtenAt\":\"2026-12-01T00:00:00Z\"}";
        Files.writeString(dir.resolve(FeatureStore.MANIFEST), manifest);
        FeatureStore store = FeatureStore.open(dir);
        store.verify();
        FeatureMatrix m = store.split("train");
        assertThat(m.hasSparse()).isFalse();
        assertThat(m.toArray()).containsExactly(x);
        assertThat(m.labels()).containsExactly(1, 0);
        assertThat(FeatureStore.isUpToDate(dir, new StoreKey("b".repeat(64), "d".repeat(64), Map.of("pooling", "mean")))).isTrue();
    }

    @Test
    void aTruncatedSparseFileOrASparseBlockInAVersionOneManifestIsNamed() throws Exception {
        Map<String, FeatureMatrix> in = Map.of("train", FeatureMatrix.withSparse(null, 0, tfidfLike(1, 300, 20_000, 20),
                labels(2, 300)));
        Path dir = tmp.resolve("bad");
        FeatureStore.write(dir, FeatureStoreTest.key(), LABELS, in);
        Path manifest = dir.resolve(FeatureStore.MANIFEST);
        String text = Files.readString(manifest);
        Files.writeString(manifest, text.replace("\"formatVersion\" : 2", "\"formatVersion\" : 1"));
        assertThatThrownBy(() -> FeatureStore.open(dir)).isInstanceOf(FeatureStoreException.class)
                .hasMessageContaining("sparse block").hasMessageContaining("version 1");
        Files.writeString(manifest, text);
        Path cols = dir.resolve("train.sparse.cols.i32");
        byte[] b = Files.readAllBytes(cols);
        Files.write(cols, java.util.Arrays.copyOf(b, b.length - 4));
        assertThatThrownBy(() -> FeatureStore.open(dir)).isInstanceOf(FeatureStoreException.class)
                .hasMessageContaining("train.sparse.cols.i32").hasMessageContaining("truncated");
        assertThat(FeatureStore.isUpToDate(dir, FeatureStoreTest.key())).isFalse();
    }

    @Test
    void csrIsValidatedAndSelectAndConcatKeepRows() {
        assertThatThrownBy(() -> new SparseRows(1, 4, new int[] {0, 2}, new int[] {2, 1}, new float[] {1, 1}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("row 0");
        assertThatThrownBy(() -> new SparseRows(1, 4, new int[] {0, 1}, new int[] {4}, new float[] {1}))
                .hasMessageContaining("column 4");
        FeatureMatrix a = hybrid(7, 30, 3, 50);
        FeatureMatrix b = hybrid(8, 10, 3, 50);
        FeatureMatrix ab = FeatureMatrix.concat(a, b);
        assertThat(ab.hasSparse()).isTrue();
        assertThat(ab.row(35)).containsExactly(b.row(5));
        assertThat(ab.row(29)).containsExactly(a.row(29));
        FeatureMatrix picked = ab.select(new int[] {35, 2});
        assertThat(picked.row(0)).containsExactly(b.row(5));
        assertThat(picked.row(1)).containsExactly(a.row(2));
        assertThat(picked.labels()).containsExactly(b.labels()[5], a.labels()[2]);
        float[] dense = ab.densified().toArray();
        float[] rows = new float[2 * ab.dim()];
        ab.rowsInto(new int[] {35, 2}, rows);
        assertThat(java.util.Arrays.copyOfRange(dense, 35 * ab.dim(), 36 * ab.dim()))
                .containsExactly(java.util.Arrays.copyOfRange(rows, 0, ab.dim()));
    }
}
