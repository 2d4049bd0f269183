package dev.regula.transfer.data;

import dev.regula.models.Hashing;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SortedMap;

/** Reads a dataset as a {@link DatasetSpec} describes it. */
public final class DatasetReader {
    /**
     * Most characters in one row: a JSONL line, a CSV record, a file of a folder dataset (16 Mi).
     * Data is read as a stream; this cap is what stops a file with no line breaks (a sparse file, a
     * binary file named .jsonl) from growing one row until the heap runs out.
     */
    public static final int MAX_ROW_CHARS = 1 << 24;

    /**
     * Share of the JVM's maximum heap ({@code -Xmx}) that the kept rows of one dataset may take, by
     * {@link KeptRows}' conservative estimate: a quarter, leaving the rest to features and training.
     */
    public static final int HEAP_SHARE_DIVISOR = 4;

    private DatasetReader() {}

    /** The memory budget for one dataset's kept rows: the JVM's maximum heap / {@link #HEAP_SHARE_DIVISOR}. */
    public static long rowBudgetBytes() {
        return Runtime.getRuntime().maxMemory() / HEAP_SHARE_DIVISOR;
    }

    /**
     * Loads all examples, applies the bad-row policy, and checks the dataset is usable for classification.
     *
     * @throws DatasetException naming file, line and field: missing file, empty file, non-UTF-8 bytes, a bad
     *     row (under FAIL), a missing column, no usable rows (all skipped), or a single class
     */
    public static Dataset read(DatasetSpec spec) throws DatasetException {
        return read(spec, 2, rowBudgetBytes());
    }

    /**
     * Loads labelled examples to score a trained model with: like {@link #read(DatasetSpec)}, but a
     * holdout may hold a single class (a model with both classes can be measured on it; only
     * training needs two).
     */
    public static Dataset readHoldout(DatasetSpec spec) throws DatasetException {
        return read(spec, 1, rowBudgetBytes());
    }

    /** As {@link #read(DatasetSpec)}, with an explicit budget for the kept rows (see {@link KeptRows}). */
    static Dataset read(DatasetSpec spec, int minClasses, long budgetBytes) throws DatasetException {
        Path path = spec.path();
        if (!Files.exists(path)) {
            throw new DatasetException(path, 0, null, "no such file or folder");
        }
        if (spec.format() != DatasetFormat.FOLDERS && Files.isDirectory(path)) {
            throw new DatasetException(path, 0, null, "is a folder; format " + spec.format().id() + " reads a file");
        }
        SkippedRows.Log log = new SkippedRows.Log();
        List<Example> examples;
        try {
            examples = switch (spec.format()) {
                case JSONL, NUMERIC_JSONL -> JsonlReader.read(spec, log, budgetBytes);
                case CSV, NUMERIC_CSV -> CsvReader.read(spec, log, budgetBytes);
                case FOLDERS -> FolderReader.read(spec, log, budgetBytes);
            };
        } catch (KeptRows.Full full) {
            throw new DatasetException(path, 0, null, String.format(java.util.Locale.ROOT,
                    "too much data for this JVM's heap: %,d rows kept before %s would pass the data budget of %,d bytes "
                            + "(a quarter of the maximum heap, -Xmx; rows are held in memory until training ends); "
                            + "give the JVM more heap (bin/regula: REGULA_JAVA_OPTS=-Xmx8g; Maven: MAVEN_OPTS) or sample the data",
                    full.kept, full.at, full.budgetBytes));
        }
        SkippedRows skipped = log.build();
        if (examples.isEmpty()) {
            throw new DatasetException(path, 0, null, skipped.total() > 0
                    ? "no usable rows: " + skipped
                    : "empty dataset: no examples");
        }
        String hash;
        try {
            hash = spec.format() == DatasetFormat.FOLDERS ? Hashing.sha256Tree(path) : Hashing.sha256(path);
        } catch (IOException e) {
            throw new DatasetException(path, 0, null, "cannot hash: " + e, e);
        }
        Dataset d = new Dataset(spec, examples, skipped, hash);
        SortedMap<String, Integer> counts = d.classCounts();
        if (counts.size() < minClasses) {
            throw new DatasetException(path, 0, spec.labelField(), "only one class '" + counts.firstKey() + "' ("
                    + examples.size() + " examples) in field '" + spec.labelField() + "'; a classifier needs at least two classes");
        }
        return d;
    }
}
