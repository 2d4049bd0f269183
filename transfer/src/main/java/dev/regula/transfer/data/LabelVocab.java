package dev.regula.transfer.data;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The class names and their order: index {@code i} of a head's output is {@code names.get(i)}.
 *
 * @param names distinct, non-empty class names in output order
 */
public record LabelVocab(List<String> names) {
    public LabelVocab {
        names = List.copyOf(names);
        if (names.isEmpty()) {
            throw new IllegalArgumentException("a label vocabulary needs at least one label");
        }
        Set<String> seen = new HashSet<>();
        for (String n : names) {
            if (n.isEmpty() || !seen.add(n)) {
                throw new IllegalArgumentException("labels must be distinct and non-empty, got " + names);
            }
        }
    }

    /** The distinct labels of a dataset in natural string order. */
    public static LabelVocab natural(Dataset data) {
        return new LabelVocab(new ArrayList<>(data.classCounts().keySet()));
    }

    /**
     * The dataset's labels in the given order (null or empty: natural order).
     *
     * @throws DatasetException when an example's label is not in the given order (names its source)
     */
    public static LabelVocab of(Dataset data, List<String> order) throws DatasetException {
        if (order == null || order.isEmpty()) {
            return natural(data);
        }
        LabelVocab v = new LabelVocab(order);
        for (Example e : data.examples()) {
            if (!v.contains(e.label())) {
                throw DatasetException.atSource(e.source(), data.spec().labelField(),
                        "label '" + e.label() + "' is not in the given label order " + v.names());
            }
        }
        return v;
    }

    /** The index of a label. */
    public int index(String label) {
        int i = names.indexOf(label);
        if (i < 0) {
            throw new IllegalArgumentException("unknown label '" + label + "', expected one of " + names);
        }
        return i;
    }

    public boolean contains(String label) {
        return names.contains(label);
    }

    public String name(int index) {
        return names.get(index);
    }

    public int size() {
        return names.size();
    }
}
