package dev.regula.transfer.data;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A loaded dataset, in file order.
 *
 * @param spec how it was read
 * @param examples the examples, in file (or sorted folder) order
 * @param skipped rows skipped under {@link BadRowPolicy#SKIP}
 * @param sha256 SHA-256 of the file bytes as stored (compressed if gzip), or of the folder tree
 */
public record Dataset(DatasetSpec spec, List<Example> examples, SkippedRows skipped, String sha256) {
    public Dataset {
        Objects.requireNonNull(spec, "spec");
        examples = List.copyOf(examples);
        Objects.requireNonNull(skipped, "skipped");
        Objects.requireNonNull(sha256, "sha256");
    }

    /** The file or folder read. */
    public Path path() {
        return spec.path();
    }

    public int size() {
        return examples.size();
    }

    /** Examples per label, sorted by label. */
    public SortedMap<String, Integer> classCounts() {
        TreeMap<String, Integer> m = new TreeMap<>();
        for (Example e : examples) {
            m.merge(e.label(), 1, Integer::sum);
        }
        return m;
    }
}
