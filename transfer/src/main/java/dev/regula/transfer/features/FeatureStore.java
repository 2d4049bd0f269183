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
 * <p>Writes are staged in a hidden sibling folder and moved into place, with the manifest written last, so a
 * store under its final name is always complete. Replacing an existing store takes two renames (old aside,
 * new in); between them no store exists under the name, which readers see as "not up to date", never as a
 * half-written store.
 */
public final class FeatureStore {
    /** The layout version written to and required in the manifest. */
    public static final int FORMAT_VERSION = 1;
    /** The manifest's file name. */
    public static final String MANIFEST = "manifest.json";

    private static final Pattern SPLIT_NAME = Pattern.compile("[A-Za-z0-9_-]+");
    /** A payload file name as written: never a path, so a manifest cannot point outside its folder. */
    private static final Pattern SPLIT_FILE = Pattern.compile("[A-Za-z0-9_-]+\\.(f32|labels\\.i32)");

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
            if (m.formatVersion() != FORMAT_VERSION
                    || !m.key().backboneSha256().equals(key.backboneSha256())
                    || !m.key().dataSha256().equals(key.dataSha256())
                    || !StoreManifest.canonical(m.key().encoderConfig()).equals(StoreManifest.canonical(key.encoderConfig()))) {
                return false;
            }
            for (StoreManifest.SplitEntry e : m.splits().values()) {
                if (Files.size(dir.resolve(e.features().file())) != e.features().bytes()
                        || Files.size(dir.resolve(e.labels().file())) != e.labels().bytes()) {
                    return false;
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
            for (Map.Entry<String, FeatureMatrix> s : new TreeMap<>(splits).entrySet()) {
                FeatureMatrix m = s.getValue();
                StoreManifest.FileEntry f = StoreFiles.writeFloats(staging.resolve(s.getKey() + ".f32"), m.data(), (long) m.rows() * m.dim());
                StoreManifest.FileEntry l = StoreFiles.writeInts(staging.resolve(s.getKey() + ".labels.i32"), m.labels());
                entries.put(s.getKey(), new StoreManifest.SplitEntry(m.rows(), m.dim(), f, l));
            }
            hook.beforeManifest(staging);
            StoreManifest manifest = new StoreManifest(FORMAT_VERSION, key, labelNames, entries, Instant.now().toString());
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
        if (m.formatVersion() != FORMAT_VERSION) {
            throw new FeatureStoreException(dir.resolve(MANIFEST), "store format version " + m.formatVersion()
                    + ", this Regula reads version " + FORMAT_VERSION + "; re-extract the features");
        }
        Map<String, FeatureMatrix> splits = new LinkedHashMap<>();
        for (Map.Entry<String, StoreManifest.SplitEntry> s : m.splits().entrySet()) {
            StoreManifest.SplitEntry e = s.getValue();
            long floats = (long) e.rows() * e.dim();
            Path f = checkedFile(dir, e.features(), floats * Float.BYTES, e.rows() + " x " + e.dim() + " float32");
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
                splits.put(s.getKey(), new FeatureMatrix(data, e.rows(), e.dim(), labels));
            } catch (IOException ex) {
                throw new FeatureStoreException(f, "cannot read: " + ex, ex);
            }
        }
        return new FeatureStore(dir, m, splits);
    }

    /** Rehashes every payload file and compares with the manifest. */
    public void verify() throws FeatureStoreException {
        for (StoreManifest.SplitEntry e : manifest.splits().values()) {
            for (StoreManifest.FileEntry f : List.of(e.features(), e.labels())) {
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
                    .filter(n -> !(n.equals(MANIFEST) || n.endsWith(".f32") || n.endsWith(".labels.i32")))
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
