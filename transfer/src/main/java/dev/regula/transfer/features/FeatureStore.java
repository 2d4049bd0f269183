package dev.regula.transfer.features;

import dev.regula.models.Folders;
import dev.regula.models.Hashing;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Cached backbone features on disk: per split a float32 little-endian {@code [rows, dim]} matrix
 * ({@code <split>.f32}) and int32 little-endian label indices ({@code <split>.labels.i32}), plus
 * {@code manifest.json} (see {@link StoreManifest}). Opened stores memory-map their matrices read-only.
 *
 * <p><b>Sparse block</b> (format version 2). A matrix given with a {@link SparseRows} block (a lexical TF-IDF,
 * or the lexical part of a hybrid {@code [dense | sparse]} row) keeps it sparse on disk when that pays, by
 * {@link #keepsSparse}: over all splits the block would take more than {@value #SPARSE_MIN_DENSE_BYTES} bytes
 * dense, and its CSR at most half of that. Then each split holds its dense block in {@code <split>.f32}
 * ({@code [rows, dim - cols]}, empty for lexical alone) and the last {@code cols} columns as CSR in
 * {@code <split>.sparse.rows.i32} (rows + 1 offsets), {@code .sparse.cols.i32} and {@code .sparse.values.f32};
 * the manifest's {@code splits.<name>.sparse} names them. Otherwise the block is densified and the store is
 * written exactly as a version 1 store, so stores without a sparse block keep their bytes and content hash.
 * Opening a store gives the same {@link FeatureMatrix} either way (a sparse block comes back as one, in heap).
 * Version 1 stores (dense only) still open.
 *
 * <p>Writes are staged in a hidden sibling folder and moved into place, with the manifest written last, so a
 * store under its final name is always complete. Replacing an existing store takes two renames (old aside,
 * new in); between them no store exists under the name, which readers see as "not up to date", never as a
 * half-written store.
 */
public final class FeatureStore {
    /** The newest layout version: 2 adds the optional sparse block. Stores without one are written as version 1. */
    public static final int FORMAT_VERSION = 2;
    /** The layout of stores without a sparse block (every store before version 2). */
    public static final int DENSE_FORMAT_VERSION = 1;
    /** A sparse block smaller than this, dense over all splits, is stored dense (small enough to map and read as is). */
    public static final long SPARSE_MIN_DENSE_BYTES = 16L << 20;
    /** The manifest's file name. */
    public static final String MANIFEST = "manifest.json";

    private static final Pattern SPLIT_NAME = Pattern.compile("[A-Za-z0-9_-]+");
    /** A payload file name as written: never a path, so a manifest cannot point outside its folder. */
    private static final Pattern SPLIT_FILE = Pattern.compile(
            "[A-Za-z0-9_-]+\\.(f32|labels\\.i32|sparse\\.rows\\.i32|sparse\\.cols\\.i32|sparse\\.values\\.f32)");

    private final Path dir;
    private final StoreManifest manifest;
    private final Map<String, FeatureMatrix> splits;

    private FeatureStore(Path dir, StoreManifest manifest, Map<String, FeatureMatrix> splits) {
        this.dir = dir;
        this.manifest = manifest;
        this.splits = Collections.unmodifiableMap(splits);
    }

    /** Called inside {@link #write} after the payload files and before the manifest; tests use it to fail there. */
    interface WriteHook {
        void beforeManifest(Path stagingDir) throws IOException;
    }

    /**
     * True when {@code dir} holds a complete store for this key: the manifest parses, backbone hash, data hash,
     * encoder config and format version match, and every payload file has its recorded size. Cheap: does not
     * rehash the files (see {@link #verify()}).
     */
    public static boolean isUpToDate(Path dir, StoreKey key) {
        try {
            StoreManifest m = readManifest(dir);
            if (!readable(m.formatVersion())
                    || !m.key().backboneSha256().equals(key.backboneSha256())
                    || !m.key().dataSha256().equals(key.dataSha256())
                    || !StoreManifest.canonical(m.key().encoderConfig()).equals(StoreManifest.canonical(key.encoderConfig()))) {
                return false;
            }
            for (StoreManifest.SplitEntry e : m.splits().values()) {
                for (StoreManifest.FileEntry f : e.files()) {
                    if (Files.size(dir.resolve(f.file())) != f.bytes()) {
                        return false;
                    }
                }
            }
            return true;
        } catch (FeatureStoreException | IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * Writes a store, replacing what is at {@code dir}, and opens it.
     *
     * @param labelNames label names in index order; every label index in the matrices must be below its size
     * @param splits split name ({@code [A-Za-z0-9_-]+}) to features; all with the same dim
     * @throws FeatureStoreException on an I/O failure (nothing is left under {@code dir}'s name but the previous
     *     store, if any), or when {@code dir} holds files that are not a feature store (it is never replaced)
     */
    public static FeatureStore write(Path dir, StoreKey key, List<String> labelNames, Map<String, FeatureMatrix> splits)
            throws FeatureStoreException {
        return write(dir, key, labelNames, splits, staging -> {});
    }

    static FeatureStore write(Path dir, StoreKey key, List<String> labelNames, Map<String, FeatureMatrix> splits,
            WriteHook hook) throws FeatureStoreException {
        checkInput(labelNames, splits);
        StoreManifest.canonical(key.encoderConfig());
        dir = dir.toAbsolutePath().normalize();
        checkReplaceable(dir);
        Path parent = dir.getParent();
        String name = dir.getFileName().toString();
        Path staging = parent.resolve("." + name + ".tmp-" + randomHex());
        try {
            Files.createDirectories(parent);
            Files.createDirectory(staging);
            TreeMap<String, StoreManifest.SplitEntry> entries = new TreeMap<>();
            boolean sparse = keepsSparse(splits.values());
            for (Map.Entry<String, FeatureMatrix> s : new TreeMap<>(splits).entrySet()) {
                FeatureMatrix m = s.getValue();
                String n = s.getKey();
                StoreManifest.FileEntry l = StoreFiles.writeInts(staging.resolve(n + ".labels.i32"), m.labels());
                if (sparse) {
                    StoreManifest.FileEntry f = StoreFiles.writeFloats(staging.resolve(n + ".f32"), m.denseBlock(), (long) m.rows() * m.denseDim());
                    SparseRows b = m.sparse();
                    StoreManifest.SparseEntry se = new StoreManifest.SparseEntry(b.cols(), b.nnz(),
                            StoreFiles.writeInts(staging.resolve(n + ".sparse.rows.i32"), b.rowStartCopy()),
                            StoreFiles.writeInts(staging.resolve(n + ".sparse.cols.i32"), b.indexCopy()),
                            StoreFiles.writeFloats(staging.resolve(n + ".sparse.values.f32"), FloatBuffer.wrap(b.valueCopy()), b.nnz()));
                    entries.put(n, new StoreManifest.SplitEntry(m.rows(), m.dim(), f, l, se));
                } else {
                    StoreManifest.FileEntry f = StoreFiles.writeFloats(staging.resolve(n + ".f32"), m.data(), (long) m.rows() * m.dim());
                    entries.put(n, new StoreManifest.SplitEntry(m.rows(), m.dim(), f, l));
                }
            }
            hook.beforeManifest(staging);
            StoreManifest manifest = new StoreManifest(sparse ? FORMAT_VERSION : DENSE_FORMAT_VERSION, key, labelNames, entries,
                    Instant.now().toString());
            StoreFiles.writeBytes(staging.resolve(MANIFEST), manifest.toJson());
            Folders.replace(staging, dir);
        } catch (IOException | RuntimeException e) {
            try {
                StoreFiles.deleteTree(staging);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new FeatureStoreException(dir, "cannot write feature store: " + e, e);
        }
        return open(dir);
    }

    /**
     * Opens a store: parses the manifest, checks every file's size against it, maps the matrices read-only and
     * reads the labels.
     *
     * @throws FeatureStoreException naming the file: no manifest (not a store, or an unfinished write), a bad
     *     manifest, a missing, truncated or oversized payload file, or a label index out of range
     */
    public static FeatureStore open(Path dir) throws FeatureStoreException {
        StoreManifest m = readManifest(dir);
        if (!readable(m.formatVersion())) {
            throw new FeatureStoreException(dir.resolve(MANIFEST), "store format version " + m.formatVersion()
                    + ", this Regula reads versions " + DENSE_FORMAT_VERSION + " to " + FORMAT_VERSION + "; re-extract the features");
        }
        Map<String, FeatureMatrix> splits = new LinkedHashMap<>();
        for (Map.Entry<String, StoreManifest.SplitEntry> s : m.splits().entrySet()) {
            StoreManifest.SplitEntry e = s.getValue();
            if (e.sparse() != null && (m.formatVersion() < FORMAT_VERSION || e.sparse().cols() <= 0 || e.sparse().cols() > e.dim())) {
                throw new FeatureStoreException(dir.resolve(MANIFEST), "split '" + s.getKey() + "' has a sparse block of "
                        + e.sparse().cols() + " columns in a version " + m.formatVersion() + " store of dim " + e.dim()
                        + "; expected version " + FORMAT_VERSION + " and 1.." + e.dim() + " columns");
            }
            long floats = (long) e.rows() * e.denseDim();
            Path f = checkedFile(dir, e.features(), floats * Float.BYTES, e.rows() + " x " + e.denseDim() + " float32");
            Path l = checkedFile(dir, e.labels(), (long) e.rows() * Integer.BYTES, e.rows() + " int32 labels");
            if (floats * Float.BYTES > Integer.MAX_VALUE) {
                throw new FeatureStoreException(f, "matrix of " + floats * Float.BYTES + " bytes exceeds the 2 GiB a single mapping can hold");
            }
            try {
                FloatBuffer data = StoreFiles.mapFloats(f, floats * Float.BYTES);
                int[] labels = StoreFiles.readInts(l, e.rows());
                for (int i = 0; i < labels.length; i++) {
                    if (labels[i] < 0 || labels[i] >= m.labels().size()) {
                        throw new FeatureStoreException(l, "row " + i + " has label index " + labels[i] + ", expected 0.."
                                + (m.labels().size() - 1) + " for labels " + m.labels());
                    }
                }
                splits.put(s.getKey(), e.sparse() == null ? new FeatureMatrix(data, e.rows(), e.dim(), labels)
                        : FeatureMatrix.withSparse(data, e.denseDim(), readSparse(dir, e), labels));
            } catch (IOException ex) {
                throw new FeatureStoreException(f, "cannot read: " + ex, ex);
            }
        }
        return new FeatureStore(dir, m, splits);
    }

    /** Rehashes every payload file and compares with the manifest. */
    public void verify() throws FeatureStoreException {
        for (StoreManifest.SplitEntry e : manifest.splits().values()) {
            for (StoreManifest.FileEntry f : e.files()) {
                Path p = dir.resolve(f.file());
                String actual;
                try {
                    actual = Hashing.sha256(p);
                } catch (IOException ex) {
                    throw new FeatureStoreException(p, "cannot read: " + ex, ex);
                }
                if (!actual.equals(f.sha256())) {
                    throw new FeatureStoreException(p, "SHA-256 is " + actual + ", the manifest records " + f.sha256() + "; the file was changed");
                }
            }
        }
    }

    /** A split's features; the buffer is a read-only memory map. */
    public FeatureMatrix split(String name) {
        FeatureMatrix m = splits.get(name);
        if (m == null) {
            throw new IllegalArgumentException("no split '" + name + "' in the feature store " + dir + ", it has " + splits.keySet());
        }
        return m;
    }

    /** The split names, sorted. */
    public Set<String> splitNames() {
        return splits.keySet();
    }

    /** Label names in index order. */
    public List<String> labels() {
        return manifest.labels();
    }

    public StoreManifest manifest() {
        return manifest;
    }

    public Path dir() {
        return dir;
    }

    /**
     * Whether matrices given with a sparse block are stored sparse: all of them have one, it would take more than
     * {@value #SPARSE_MIN_DENSE_BYTES} bytes dense over all splits, and its CSR (4 bytes a row, 8 a non-zero) at
     * most half of that. Dense matrices are never made sparse (neural features have no zeros to save).
     */
    public static boolean keepsSparse(java.util.Collection<FeatureMatrix> matrices) {
        long dense = 0;
        long csr = 0;
        for (FeatureMatrix m : matrices) {
            if (!m.hasSparse()) {
                return false;
            }
            dense += m.sparse().denseBytes();
            csr += m.sparse().bytes();
        }
        return dense > SPARSE_MIN_DENSE_BYTES && csr <= dense / 2;
    }

    private static boolean readable(int version) {
        return version >= DENSE_FORMAT_VERSION && version <= FORMAT_VERSION;
    }

    private static SparseRows readSparse(Path dir, StoreManifest.SplitEntry e) throws FeatureStoreException {
        StoreManifest.SparseEntry sp = e.sparse();
        if (sp.nnz() > Integer.MAX_VALUE) {
            throw new FeatureStoreException(dir.resolve(sp.index().file()), sp.nnz() + " non-zeros exceed the 2^31 - 1 one array holds");
        }
        int nnz = (int) sp.nnz();
        Path r = checkedFile(dir, sp.rowStart(), 4L * (e.rows() + 1), (e.rows() + 1) + " int32 row offsets");
        Path c = checkedFile(dir, sp.index(), 4L * nnz, nnz + " int32 column indices");
        Path v = checkedFile(dir, sp.values(), 4L * nnz, nnz + " float32 values");
        try {
            int[] rowStart = StoreFiles.readInts(r, e.rows() + 1);
            int[] index = StoreFiles.readInts(c, nnz);
            float[] values = new float[nnz];
            StoreFiles.mapFloats(v, 4L * nnz).get(values);
            return new SparseRows(e.rows(), sp.cols(), rowStart, index, values);
        } catch (IllegalArgumentException ex) {
            throw new FeatureStoreException(r, "not a valid sparse block: " + ex.getMessage(), ex);
        } catch (IOException ex) {
            throw new FeatureStoreException(r, "cannot read: " + ex, ex);
        }
    }

    private static StoreManifest readManifest(Path dir) throws FeatureStoreException {
        Path file = dir.resolve(MANIFEST);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new FeatureStoreException(file, "no manifest: " + dir + " is not a feature store, or its write did not finish");
        } catch (IOException e) {
            throw new FeatureStoreException(file, "cannot read: " + e, e);
        }
        return StoreManifest.parse(file, bytes);
    }

    private static Path checkedFile(Path dir, StoreManifest.FileEntry entry, long expected, String what) throws FeatureStoreException {
        Path f = dir.resolve(entry.file());
        if (!SPLIT_FILE.matcher(entry.file()).matches()) {
            throw new FeatureStoreException(dir.resolve(MANIFEST), "file name '" + entry.file() + "' points outside the store");
        }
        if (entry.bytes() != expected) {
            throw new FeatureStoreException(dir.resolve(MANIFEST), "records " + entry.bytes() + " bytes for " + entry.file()
                    + ", but " + what + " take " + expected);
        }
        long size;
        try {
            size = Files.size(f);
        } catch (NoSuchFileException e) {
            throw new FeatureStoreException(f, "missing; the manifest lists it");
        } catch (IOException e) {
            throw new FeatureStoreException(f, "cannot read: " + e, e);
        }
        if (size < expected) {
            throw new FeatureStoreException(f, "truncated: " + size + " bytes, expected " + expected + " (" + what + ")");
        }
        if (size > expected) {
            throw new FeatureStoreException(f, "too long: " + size + " bytes, expected " + expected + " (" + what + ")");
        }
        return f;
    }

    private static void checkInput(List<String> labelNames, Map<String, FeatureMatrix> splits) {
        if (labelNames == null || labelNames.isEmpty() || new HashSet<>(labelNames).size() != labelNames.size()) {
            throw new IllegalArgumentException("labelNames must be non-empty and distinct, got " + labelNames);
        }
        if (splits == null || splits.isEmpty()) {
            throw new IllegalArgumentException("a feature store needs at least one split");
        }
        int dim = -1;
        String first = null;
        for (Map.Entry<String, FeatureMatrix> s : new TreeMap<>(splits).entrySet()) {
            if (!SPLIT_NAME.matcher(s.getKey()).matches()) {
                throw new IllegalArgumentException("split name '" + s.getKey() + "' must match " + SPLIT_NAME.pattern());
            }
            FeatureMatrix m = s.getValue();
            if (dim >= 0 && m.dim() != dim) {
                throw new IllegalArgumentException("split '" + s.getKey() + "' has dim " + m.dim() + ", split '" + first + "' has " + dim);
            }
            dim = m.dim();
            first = first == null ? s.getKey() : first;
            int[] y = m.labels();
            for (int i = 0; i < y.length; i++) {
                if (y[i] < 0 || y[i] >= labelNames.size()) {
                    throw new IllegalArgumentException("split '" + s.getKey() + "' row " + i + " has label index " + y[i]
                            + ", expected 0.." + (labelNames.size() - 1) + " for labels " + labelNames);
                }
            }
        }
    }

    /** Refuses to replace a folder that holds anything but store files: write() deletes what it replaces. */
    private static void checkReplaceable(Path dir) throws FeatureStoreException {
        if (!Files.exists(dir)) {
            return;
        }
        if (!Files.isDirectory(dir)) {
            throw new FeatureStoreException(dir, "exists and is not a folder; refusing to replace it with a feature store");
        }
        List<String> foreign = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.map(p -> p.getFileName().toString())
                    .filter(n -> !(n.equals(MANIFEST) || n.endsWith(".f32") || n.endsWith(".i32")))
                    .sorted()
                    .forEach(foreign::add);
        } catch (IOException e) {
            throw new FeatureStoreException(dir, "cannot list: " + e, e);
        }
        if (!foreign.isEmpty()) {
            throw new FeatureStoreException(dir, "holds files that are not part of a feature store " + foreign
                    + "; refusing to replace it");
        }
    }

    private static String randomHex() {
        // Only for unique staging names; no result depends on it.
        return Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
    }
}
