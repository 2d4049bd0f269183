package dev.regula.transfer.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The rows skipped under {@link BadRowPolicy#SKIP}: how many per reason, and the first few line numbers of each.
 *
 * @param countsByReason reason (e.g. {@code invalid JSON}, {@code missing field 'text'}) to count, sorted
 * @param firstLines reason to its first {@value #LINES_KEPT} line numbers
 */
public record SkippedRows(SortedMap<String, Integer> countsByReason, SortedMap<String, List<Long>> firstLines) {
    /** How many line numbers are kept per reason. */
    public static final int LINES_KEPT = 5;

    public SkippedRows {
        countsByReason = Collections.unmodifiableSortedMap(new TreeMap<>(countsByReason));
        TreeMap<String, List<Long>> lines = new TreeMap<>();
        firstLines.forEach((k, v) -> lines.put(k, List.copyOf(v)));
        firstLines = Collections.unmodifiableSortedMap(lines);
    }

    /** Nothing skipped. */
    public static SkippedRows none() {
        return new SkippedRows(new TreeMap<>(), new TreeMap<>());
    }

    /** Total rows skipped. */
    public int total() {
        return countsByReason.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** E.g. {@code 3 rows skipped: invalid JSON 2 (lines 4, 9); missing field 'label' 1 (line 7)}. */
    @Override
    public String toString() {
        if (total() == 0) {
            return "no rows skipped";
        }
        return total() + " rows skipped: " + countsByReason.entrySet().stream()
                .map(e -> e.getKey() + " " + e.getValue() + " (line" + (firstLines.get(e.getKey()).size() > 1 ? "s " : " ")
                        + firstLines.get(e.getKey()).stream().map(String::valueOf).collect(Collectors.joining(", "))
                        + (e.getValue() > firstLines.get(e.getKey()).size() ? ", ..." : "") + ")")
                .collect(Collectors.joining("; "));
    }

    /** Collects skipped rows while reading. */
    static final class Log {
        private final TreeMap<String, Integer> counts = new TreeMap<>();
        private final TreeMap<String, List<Long>> lines = new TreeMap<>();

        void add(String reason, long line) {
            counts.merge(reason, 1, Integer::sum);
            List<Long> l = lines.computeIfAbsent(reason, k -> new ArrayList<>());
            if (l.size() < LINES_KEPT) {
                l.add(line);
            }
        }

        SkippedRows build() {
            return new SkippedRows(counts, lines);
        }

        Map<String, Integer> counts() {
            return counts;
        }
    }
}
