package dev.regula.transfer.features;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.regula.models.Hashing;
import dev.regula.transfer.io.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What a feature store holds and what it was computed from; {@code manifest.json} in the store folder.
 *
 * @param formatVersion the store layout version
 * @param key backbone hash, data hash, encoder config
 * @param labels label names in index order
 * @param splits split name to its files, sorted by name
 * @param writtenAt ISO-8601 instant of the write; informational, left out of {@link #contentHash()}
 */
public record StoreManifest(int formatVersion, StoreKey key, List<String> labels, SortedMap<String, SplitEntry> splits,
        String writtenAt) {
    static final String FORMAT = "regula-feature-store";

    /** Maps sorted at every level, so equal content gives equal bytes. */
    static final ObjectMapper JSON = Json.SORTED_MAPS;

    public StoreManifest {
        labels = List.copyOf(labels);
        splits = Collections.unmodifiableSortedMap(new TreeMap<>(splits));
    }

    /**
     * One split's files.
     *
     * @param rows examples
     * @param dim features per example (dense and sparse columns together)
     * @param features the float32 little-endian matrix file: the dense block, {@code [rows, dim - sparse.cols]}
     * @param labels the int32 little-endian label file
     * @param sparse the last {@code sparse.cols} columns held as CSR, or null (format version 1 stores never have it)
     */
    public record SplitEntry(int rows, int dim, FileEntry features, FileEntry labels, SparseEntry sparse) {
        public SplitEntry(int rows, int dim, FileEntry features, FileEntry labels) {
            this(rows, dim, features, labels, null);
        }

        /** Columns held in the dense {@code .f32} file. */
        public int denseDim() {
            return sparse == null ? dim : dim - sparse.cols();
        }

        /** Every payload file of the split. */
        public List<FileEntry> files() {
            return sparse == null ? List.of(features, labels)
                    : List.of(features, labels, sparse.rowStart(), sparse.index(), sparse.values());
        }
    }

    /**
     * The sparse block of a split: the last {@code cols} columns in CSR form (format version 2).
     *
     * @param cols columns of the block
     * @param nnz stored non-zeros
     * @param rowStart int32 LE, rows + 1 offsets into index/values
     * @param index int32 LE column of each non-zero, ascending within a row
     * @param values float32 LE value of each non-zero
     */
    public record SparseEntry(int cols, long nnz, FileEntry rowStart, FileEntry index, FileEntry values) {}

    /**
     * One payload file.
     *
     * @param file name inside the store folder
     * @param bytes its size
     * @param sha256 its SHA-256
     */
    public record FileEntry(String file, long bytes, String sha256) {}

    /**
     * SHA-256 of everything but the write time: key, labels, split shapes and file hashes. Two writes of the
     * same features give the same content hash, so later stages can key on it and stay byte-identical.
     */
    public String contentHash() {
        Map<String, Object> m = toMap();
        m.remove("writtenAt");
        try {
            return Hashing.sha256(JSON.writeValueAsBytes(m));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("manifest not serializable", e);
        }
    }

    /** The canonical JSON text. */
    byte[] toJson() throws JsonProcessingException {
        return JSON.writeValueAsBytes(toMap());
    }

    /** Canonical JSON of an encoder config, for comparing configs across a round trip through the file. */
    static String canonical(Map<String, Object> config) {
        try {
            return JSON.writeValueAsString(config);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("encoder config is not JSON-serializable: " + e.getOriginalMessage(), e);
        }
    }

    private Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", FORMAT);
        m.put("formatVersion", formatVersion);
        m.put("backboneSha256", key.backboneSha256());
        m.put("dataSha256", key.dataSha256());
        m.put("encoderConfig", key.encoderConfig());
        m.put("labels", labels);
        Map<String, Object> s = new TreeMap<>();
        splits.forEach((name, e) -> {
            Map<String, Object> em = new LinkedHashMap<>();
            em.put("rows", e.rows());
            em.put("dim", e.dim());
            em.put("features", file(e.features()));
            em.put("labels", file(e.labels()));
            if (e.sparse() != null) {
                Map<String, Object> sp = new LinkedHashMap<>();
                sp.put("cols", e.sparse().cols());
                sp.put("nnz", e.sparse().nnz());
                sp.put("rowStart", file(e.sparse().rowStart()));
                sp.put("index", file(e.sparse().index()));
                sp.put("values", file(e.sparse().values()));
                em.put("sparse", sp);
            }
            s.put(name, em);
        });
        m.put("splits", s);
        m.put("writtenAt", writtenAt);
        return m;
    }

    private static Map<String, Object> file(FileEntry f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", f.file());
        m.put("bytes", f.bytes());
        m.put("sha256", f.sha256());
        return m;
    }

    /** Parses {@code manifest.json}; every missing or ill-typed key is named in the error. */
    @SuppressWarnings("unchecked")
    static StoreManifest parse(Path file, byte[] json) throws FeatureStoreException {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            throw new FeatureStoreException(file, "not valid JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new FeatureStoreException(file, "expected a JSON object");
        }
        if (!FORMAT.equals(text(file, root, "format"))) {
            throw new FeatureStoreException(file, "'format' is '" + root.get("format").asText() + "', expected '" + FORMAT + "'");
        }
        int version = (int) number(file, root, "formatVersion");
        JsonNode cfg = root.get("encoderConfig");
        if (cfg == null || !cfg.isObject()) {
            throw new FeatureStoreException(file, "missing object 'encoderConfig'");
        }
        StoreKey key = new StoreKey(text(file, root, "backboneSha256"), text(file, root, "dataSha256"),
                JSON.convertValue(cfg, Map.class));
        JsonNode labelsNode = root.get("labels");
        if (labelsNode == null || !labelsNode.isArray() || labelsNode.isEmpty()) {
            throw new FeatureStoreException(file, "missing or empty array 'labels'");
        }
        List<String> labels = new ArrayList<>();
        labelsNode.forEach(n -> labels.add(n.asText()));
        JsonNode splitsNode = root.get("splits");
        if (splitsNode == null || !splitsNode.isObject() || splitsNode.isEmpty()) {
            throw new FeatureStoreException(file, "missing or empty object 'splits'");
        }
        TreeMap<String, SplitEntry> splits = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = splitsNode.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode s = e.getValue();
            String where = "splits." + e.getKey();
            SparseEntry sparse = null;
            JsonNode sp = s.get("sparse");
            if (sp != null) {
                String w = where + ".sparse";
                if (!sp.isObject()) {
                    throw new FeatureStoreException(file, "'" + w + "' must be an object");
                }
                sparse = new SparseEntry((int) number(file, sp, w, "cols"), number(file, sp, w, "nnz"),
                        fileEntry(file, sp, w + ".rowStart", "rowStart"), fileEntry(file, sp, w + ".index", "index"),
                        fileEntry(file, sp, w + ".values", "values"));
            }
            splits.put(e.getKey(), new SplitEntry((int) number(file, s, where, "rows"), (int) number(file, s, where, "dim"),
                    fileEntry(file, s, where + ".features", "features"), fileEntry(file, s, where + ".labels", "labels"), sparse));
        }
        return new StoreManifest(version, key, labels, splits, text(file, root, "writtenAt"));
    }

    private static FileEntry fileEntry(Path file, JsonNode parent, String where, String name) throws FeatureStoreException {
        JsonNode n = parent.get(name);
        if (n == null || !n.isObject()) {
            throw new FeatureStoreException(file, "missing object '" + where + "'");
        }
        return new FileEntry(text(file, n, where, "file"), number(file, n, where, "bytes"), text(file, n, where, "sha256"));
    }

    private static String text(Path file, JsonNode n, String key) throws FeatureStoreException {
        return text(file, n, null, key);
    }

    private static String text(Path file, JsonNode n, String where, String key) throws FeatureStoreException {
        JsonNode v = n.get(key);
        if (v == null || !v.isTextual()) {
            throw new FeatureStoreException(file, "missing string '" + (where == null ? key : where + "." + key) + "'");
        }
        return v.asText();
    }

    private static long number(Path file, JsonNode n, String key) throws FeatureStoreException {
        return number(file, n, null, key);
    }

    private static long number(Path file, JsonNode n, String where, String key) throws FeatureStoreException {
        JsonNode v = n.get(key);
        if (v == null || !v.isIntegralNumber() || v.asLong() < 0) {
            throw new FeatureStoreException(file, "missing non-negative integer '" + (where == null ? key : where + "." + key) + "'");
        }
        return v.asLong();
    }
}
